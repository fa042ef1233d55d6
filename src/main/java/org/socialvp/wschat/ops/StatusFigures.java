package org.socialvp.wschat.ops;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.socialvp.wschat.broker.Status;

/**
 * The figures of a {@link Status} by name, in the record's order: the one list that
 * {@code /wschat/status} and the MBean are written from, so that a figure added to the record
 * appears in both.
 */
final class StatusFigures {

    private static final RecordComponent[] FIGURES = Status.class.getRecordComponents();

    private StatusFigures() {
    }

    /** Figure name → value: {@code Integer}, {@code Long}, {@code String} or {@code Map<String, Integer>}. */
    static Map<String, Object> of(Status status) {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (RecordComponent figure : FIGURES) {
            figures.put(figure.getName(), value(figure, status));
        }
        return figures;
    }

    /** The names of the figures, in order. */
    static String[] names() {
        String[] names = new String[FIGURES.length];
        for (int i = 0; i < FIGURES.length; i++) {
            names[i] = FIGURES[i].getName();
        }
        return names;
    }

    /** The Java type of each figure's value, by name. */
    static Class<?> type(String name) {
        for (RecordComponent figure : FIGURES) {
            if (figure.getName().equals(name)) {
                return figure.getType();
            }
        }
        return null;
    }

    private static Object value(RecordComponent figure, Status status) {
        try {
            return figure.getAccessor().invoke(status);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("status figure " + figure.getName(), e);
        }
    }
}
