package org.socialvp.wschat.bench;

import jakarta.json.spi.JsonProvider;
import jakarta.websocket.DecodeException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.socialvp.wschat.protocol.Command;
import org.socialvp.wschat.protocol.CommandDecoder;
import org.socialvp.wschat.protocol.Event;
import org.socialvp.wschat.protocol.EventEncoder;
import org.socialvp.wschat.protocol.OutcomeCode;

/** The per-message cost of the codecs: decoding a typical SVP broadcast, encoding its relay. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

    private static final String BROADCAST =
            "{\"command\":\"broadcast\",\"message\":{\"action\":\"seek\",\"position\":1234.567,\"paused\":false,"
            + "\"from\":\"a chat line of ordinary length, with a few words in it\"}}";

    private CommandDecoder decoder;
    private EventEncoder encoder;
    private Command.Broadcast decoded;

    @Setup
    public void setUp() throws DecodeException {
        JsonProvider json = JsonProvider.provider();
        decoder = new CommandDecoder(json, 64);
        encoder = new EventEncoder(json);
        decoded = (Command.Broadcast) decoder.decode(BROADCAST);
    }

    @Benchmark
    public Command decodeBroadcast() throws DecodeException {
        return decoder.decode(BROADCAST);
    }

    @Benchmark
    public String encodeBroadcast() {
        return encoder.encode(new Event.Broadcast("alice", decoded.message()));
    }

    @Benchmark
    public String encodeOutcome() {
        return encoder.encode(Event.Outcome.of(OutcomeCode.NO_SUCH_CLIENT));
    }
}
