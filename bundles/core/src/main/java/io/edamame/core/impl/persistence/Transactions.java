package io.edamame.core.impl.persistence;

import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.EntityTransaction;
import javax.persistence.FlushModeType;

/**
 * Resource-local units of work on one persistence unit: each call gets its own entity manager and,
 * for writes, its own transaction that commits on return and rolls back on any exception.
 */
public class Transactions {

    /** Query hint for entities that are only read: Hibernate keeps no snapshot of them to check at flush. */
    public static final String READ_ONLY_HINT = "org.hibernate.readOnly";

    /** SQLSTATE of a unique constraint violation, the same in PostgreSQL and H2. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final EntityManagerFactory emf;

    public Transactions(EntityManagerFactory emf) {
        this.emf = emf;
    }

    public <T> T write(Function<EntityManager, T> work) {
        EntityManager em = emf.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    public void writeVoid(Consumer<EntityManager> work) {
        write(em -> {
            work.accept(em);
            return null;
        });
    }

    /** Reads without a transaction: nothing is flushed, entities are detached on return. */
    public <T> T read(Function<EntityManager, T> work) {
        EntityManager em = emf.createEntityManager();
        try {
            em.setFlushMode(FlushModeType.COMMIT);
            return work.apply(em);
        } finally {
            em.close();
        }
    }

    /** Whether {@code e} was caused by a unique constraint, e.g. two concurrent inserts of one key. */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
