package org.socialvp.wschat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape of {@code /wschat/metrics}, checked line by line against the Prometheus text format
 * (version 0.0.4) as it is read: every line a {@code # HELP}, a {@code # TYPE}, another comment, or
 * a sample {@code name{label="value",…} value [timestamp]}; a family's HELP and TYPE at most once
 * each and before its samples, its samples together; a counter's samples named {@code *_total}, a
 * gauge's by the family's own name; no series twice.
 */
public final class Exposition {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(.*)\\})? (\\S+)(?: (-?[0-9]+))?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

    /** One metric family: its name as in its TYPE line, its type and its help text. */
    public record Family(String name, String type, String help) {
    }

    private final Map<String, Family> families;
    /** The family of each sample name. */
    private final Map<String, Family> bySample;
    /** Each series' value, by its sample name and its labels (sorted). */
    private final Map<String, Map<Map<String, String>, Double>> samples;

    private Exposition(Map<String, Family> families, Map<String, Family> bySample,
            Map<String, Map<Map<String, String>, Double>> samples) {
        this.families = families;
        this.bySample = bySample;
        this.samples = samples;
    }

    /** {@code GET uri}, which must answer 200 in the text format; parsed and checked. */
    public static Exposition scrape(URI uri) {
        HttpResponse<String> response = StatusPage.get(uri);
        assertEquals(200, response.statusCode(), () -> "metrics answered " + response.statusCode());
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/plain") && type.contains("version=0.0.4"), () -> "Content-Type: " + type);
        return parse(response.body());
    }

    /** Parses {@code text}, failing on the first line that breaks the format. */
    public static Exposition parse(String text) {
        assertTrue(text.isEmpty() || text.endsWith("\n"), "the last line ends with a line feed");
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> helps = new HashMap<>();
        Map<String, Map<Map<String, String>, Double>> samples = new LinkedHashMap<>();
        Set<String> sampled = new HashSet<>();
        Map<String, String> familyOfSample = new HashMap<>();
        Family current = null;
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            String where = "line " + number + ": " + line;
            if (line.isEmpty()) {
                continue;
            }
            Matcher help = HELP.matcher(line);
            Matcher type = TYPE.matcher(line);
            if (help.matches()) {
                String name = help.group(1);
                assertFalse(helps.containsKey(name), "a second HELP, " + where);
                assertFalse(sampled.contains(name), "HELP after the family's samples, " + where);
                helps.put(name, help.group(2));
            } else if (type.matches()) {
                String name = type.group(1);
                assertFalse(families.containsKey(name), "a second TYPE, " + where);
                assertFalse(sampled.contains(name), "TYPE after the family's samples, " + where);
                current = new Family(name, type.group(2), helps.get(name));
                families.put(name, current);
            } else if (line.startsWith("#")) {
                assertTrue(line.startsWith("# ") || line.equals("#"), "a comment, " + where);
            } else {
                Matcher sample = SAMPLE.matcher(line);
                assertTrue(sample.matches(), "a sample 'name{labels} value', " + where);
                String name = sample.group(1);
                assertNotNull(current, "a sample before any TYPE, " + where);
                assertTrue(belongs(name, current), "a sample of the family " + current + " declared last, " + where);
                sampled.add(current.name());
                familyOfSample.put(name, current.name());
                Map<String, String> labels = labels(sample.group(2), where);
                double value = value(sample.group(3), where);
                Double before = samples.computeIfAbsent(name, key -> new LinkedHashMap<>()).put(labels, value);
                assertEquals(null, before, "a series twice, " + where);
            }
        }
        for (String name : helps.keySet()) {
            assertTrue(families.containsKey(name), "HELP without a TYPE for " + name);
        }
        families.replaceAll((name, family) -> new Family(name, family.type(), helps.get(name)));
        Map<String, Family> bySample = new HashMap<>();
        familyOfSample.forEach((sample, family) -> bySample.put(sample, families.get(family)));
        return new Exposition(families, bySample, samples);
    }

    /** Whether a sample called {@code name} is one of {@code family}'s, by the family's type. */
    private static boolean belongs(String name, Family family) {
        String base = family.name();
        return switch (family.type()) {
            case "counter" -> {
                String stem = base.endsWith("_total") ? base.substring(0, base.length() - "_total".length()) : base;
                yield name.equals(stem + "_total") || name.equals(stem + "_created");
            }
            case "histogram" -> name.equals(base + "_bucket") || name.equals(base + "_sum")
                    || name.equals(base + "_count") || name.equals(base + "_created");
            case "summary" -> name.equals(base) || name.equals(base + "_sum") || name.equals(base + "_count")
                    || name.equals(base + "_created");
            default -> name.equals(base);
        };
    }

    private static Map<String, String> labels(String text, String where) {
        Map<String, String> labels = new TreeMap<>();
        if (text == null || text.isEmpty()) {
            return labels;
        }
        Matcher label = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            assertTrue(label.find(at) && label.start() == at, "labels 'name=\"value\",…', " + where);
            assertFalse(label.group(1).startsWith("__"), "a reserved label name, " + where);
            String value = label.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
            assertEquals(null, labels.put(label.group(1), value), "a label twice, " + where);
            at = label.end();
        }
        return labels;
    }

    private static double value(String text, String where) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    return fail("a value that is a float, " + where);
                }
        }
    }

    /** The family whose samples are called {@code sampleName}; fails if no sample is called so. */
    public Family familyOf(String sampleName) {
        Family family = bySample.get(sampleName);
        assertNotNull(family, () -> "no sample " + sampleName + " in " + bySample.keySet());
        return family;
    }

    public Map<String, Family> families() {
        return families;
    }

    /** The series of sample {@code name} with {@code labels}; fails if there is none. */
    public double value(String name, Map<String, String> labels) {
        Double value = samples.getOrDefault(name, Map.of()).get(new TreeMap<>(labels));
        assertNotNull(value, () -> "no series " + name + labels + " in " + samples);
        return value;
    }

    /** The unlabelled series {@code name}; fails if there is none. */
    public double value(String name) {
        return value(name, Map.of());
    }

    /** The series, or 0 if it has not appeared (a label the server does not start with appears once it has counted something). */
    public double valueOrZero(String name, Map<String, String> labels) {
        return samples.getOrDefault(name, Map.of()).getOrDefault(new TreeMap<>(labels), 0.0);
    }

    /** Every series and its value, for a failure message. */
    @Override
    public String toString() {
        return new TreeMap<>(samples).toString();
    }
}
