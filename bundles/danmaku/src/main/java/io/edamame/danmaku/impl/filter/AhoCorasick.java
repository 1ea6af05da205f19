package io.edamame.danmaku.impl.filter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * An Aho–Corasick automaton over a fixed word list: finds every occurrence of every word, overlapping
 * ones included, in one pass over the text. It works on code points, so CJK text and characters
 * outside the BMP (emoji, CJK extension B) are single symbols; ASCII letters match case-insensitively.
 * Immutable once built, hence safe to share between threads.
 */
final class AhoCorasick {

    /** An occurrence of {@code word} at UTF-16 indices {@code [start, end)} of the searched text. */
    record Match(int start, int end, String word) {
    }

    private static final class Node {
        final Map<Integer, Node> next = new HashMap<>(4);
        Node fail;
        /** Words ending here, including those ending at nodes reached by failure links. */
        List<String> words = List.of();
    }

    private final Node root = new Node();
    private final int size;

    /** Builds the automaton; blank words are ignored, duplicates count once. */
    AhoCorasick(Collection<String> words) {
        int added = 0;
        for (String word : words) {
            if (word != null && !word.isBlank() && add(word)) {
                added++;
            }
        }
        this.size = added;
        linkFailures();
    }

    /** How many distinct words it matches. */
    int size() {
        return size;
    }

    /** Every occurrence, ordered by where it ends, then longest first. */
    List<Match> findAll(String text) {
        List<Match> matches = new ArrayList<>();
        Node node = root;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            node = step(node, codePoint);
            for (String word : node.words) {
                matches.add(new Match(i - word.length(), i, word));
            }
        }
        return matches;
    }

    /** Whether any word occurs; stops at the first. */
    boolean matchesAny(String text) {
        Node node = root;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            node = step(node, codePoint);
            if (!node.words.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private Node step(Node from, int codePoint) {
        int symbol = fold(codePoint);
        Node node = from;
        while (true) {
            Node next = node.next.get(symbol);
            if (next != null) {
                return next;
            }
            if (node == root) {
                return root;
            }
            node = node.fail;
        }
    }

    private boolean add(String word) {
        Node node = root;
        for (int i = 0; i < word.length(); ) {
            int codePoint = word.codePointAt(i);
            i += Character.charCount(codePoint);
            node = node.next.computeIfAbsent(fold(codePoint), symbol -> new Node());
        }
        if (!node.words.isEmpty()) {
            return false;
        }
        node.words = List.of(word);
        return true;
    }

    /** Breadth first, so that a node's failure target is complete before the node is. */
    private void linkFailures() {
        Queue<Node> queue = new ArrayDeque<>();
        for (Node child : root.next.values()) {
            child.fail = root;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            Node node = queue.remove();
            for (Map.Entry<Integer, Node> edge : node.next.entrySet()) {
                Node child = edge.getValue();
                child.fail = step(node.fail, edge.getKey());
                if (!child.fail.words.isEmpty()) {
                    List<String> inherited = new ArrayList<>(child.words);
                    inherited.addAll(child.fail.words);
                    child.words = List.copyOf(inherited);
                }
                queue.add(child);
            }
        }
    }

    /** ASCII case folding only: full Unicode folding could change lengths and so the match positions. */
    private static int fold(int codePoint) {
        return codePoint >= 'A' && codePoint <= 'Z' ? codePoint + ('a' - 'A') : codePoint;
    }
}
