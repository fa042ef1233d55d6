package org.socialvp.wschat.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "café", "€ and ✓", "emoji 😀 and 👨‍👩‍👧", "日本語のテキスト", "\u0000\u007f\u0080\u07ff\u0800\uffff"})
    void theLengthIsWhatUtf8EncodingTakes(String text) {
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Utf8.length(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "ééé", "😀😀", "a longer line of plain text, and then some more of it"})
    void exceedsIsExactAtTheBoundary(String text) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        assertFalse(Utf8.exceeds(text, bytes));
        assertTrue(Utf8.exceeds(text, bytes - 1));
        assertFalse(Utf8.exceeds(new StringBuilder(text), bytes), "works on a builder being assembled");
    }
}
