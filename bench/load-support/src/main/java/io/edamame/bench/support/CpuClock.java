package io.edamame.bench.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time from /proc, in clock ticks: of a process (all its threads, user + system) and of the whole
 * machine (every core, busy only). The server's (and a fake's) and the load tool's own CPU seconds over
 * a run show who used the two cores, and whether something else took them; the server's turn work done
 * into work per server CPU-second, which stays comparable although the tool shares the machine.
 */
public final class CpuClock {

    private final long ticksPerSecond;

    public CpuClock(long ticksPerSecond) {
        this.ticksPerSecond = ticksPerSecond;
    }

    public double seconds(long ticks) {
        return (double) ticks / ticksPerSecond;
    }

    /** utime + stime of process {@code pid} ("self" for this one), or -1 if it is gone. */
    public long processTicks(String pid) {
        try {
            return parseProcessTicks(Files.readString(Path.of("/proc", pid, "stat")));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Busy ticks of all cores: user, nice, system, irq, softirq and steal (guest time is in user). */
    public long machineBusyTicks() {
        try {
            return parseMachineBusyTicks(Files.readString(Path.of("/proc/stat")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read /proc/stat", e);
        }
    }

    /** Fields 14 and 15 of proc(5)'s stat. The command name (field 2) may hold spaces and parentheses. */
    static long parseProcessTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static long parseMachineBusyTicks(String stat) {
        String[] cpu = stat.substring(0, stat.indexOf('\n')).trim().split(" +");
        if (!cpu[0].equals("cpu")) {
            throw new IllegalArgumentException("Not /proc/stat: " + cpu[0]);
        }
        long busy = 0;
        // user nice system idle iowait irq softirq steal: skip idle (4) and iowait (5).
        for (int i = 1; i <= 8 && i < cpu.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(cpu[i]);
            }
        }
        return busy;
    }
}
