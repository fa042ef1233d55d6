package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.outbox.Frame;

/** The numbering and the keep-and-trim of one session's stream. */
class ResumeBufferTest {

    private static final Frame.Encoded CHAT = Frame.of("{\"type\":\"broadcast\",\"from\":\"bob\",\"message\":\"hi\"}");

    @Test
    void framesAreNumberedFromOneWithTheNumberInFront() {
        ResumeBuffer stream = new ResumeBuffer(10_000);
        Frame.Numbered first = stream.add(CHAT);
        Frame.Numbered second = stream.add(CHAT);
        assertEquals(1, first.seq());
        assertEquals(2, second.seq());
        assertEquals("{\"seq\":2,\"type\":\"broadcast\",\"from\":\"bob\",\"message\":\"hi\"}", second.text());
        assertEquals(second.text().length(), second.size(), "the size is the text's, in UTF-8 bytes");
        assertEquals(2, stream.lastSeq());
    }

    @Test
    void aResumeGetsEveryFrameAfterItsLastAndNothingBefore() {
        ResumeBuffer stream = new ResumeBuffer(10_000);
        for (int i = 0; i < 5; i++) {
            stream.add(CHAT);
        }
        assertEquals(List.of(3L, 4L, 5L), seqs(stream.after(2)));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(stream.after(0)));
        assertEquals(List.of(), seqs(stream.after(5)), "up to date: nothing to send again");
        assertNull(stream.after(6), "a frame the server never sent");
    }

    @Test
    void aPongTrimsWhatItProvesArrivedAndAResumeBeforeThatIsRefused() {
        ResumeBuffer stream = new ResumeBuffer(10_000);
        for (int i = 0; i < 5; i++) {
            stream.add(CHAT);
        }
        long before = stream.bytes();
        stream.acknowledged(3);
        assertTrue(stream.bytes() < before);
        assertEquals(List.of(4L, 5L), seqs(stream.after(3)));
        assertNull(stream.after(1), "frames 2 and 3 are no longer kept: no silent gap");
    }

    @Test
    void pastTheBoundTheOldestGoAndAResumeThatNeedsThemIsRefused() {
        int each = Frame.Numbered.of(CHAT, 1).size();
        ResumeBuffer stream = new ResumeBuffer(each * 3L + 2);
        for (int i = 0; i < 5; i++) {
            stream.add(CHAT);
        }
        assertTrue(stream.bytes() <= each * 3L + 2);
        assertNull(stream.after(1), "frame 2 was dropped");
        assertEquals(List.of(3L, 4L, 5L), seqs(stream.after(2)), "the newest are kept");
    }

    @Test
    void fitsSaysWhetherAFrameCanBeKeptWithoutDroppingOne() {
        int each = Frame.Numbered.of(CHAT, 1).size();
        ResumeBuffer stream = new ResumeBuffer(each * 2L);
        assertTrue(stream.fits(CHAT));
        stream.add(CHAT);
        assertTrue(stream.fits(CHAT));
        stream.add(CHAT);
        assertFalse(stream.fits(CHAT));
    }

    private static List<Long> seqs(List<Frame.Numbered> frames) {
        return frames.stream().map(Frame.Numbered::seq).toList();
    }
}
