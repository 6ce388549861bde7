package dev.tributary.benchmarks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.List;

/**
 * The cold-start baseline: receives the same Kinesis event (so the runtime's deserialisation is common to both) and
 * does nothing with it. What the kinesis-processor adds on top of this is what Tributary is responsible for.
 */
public final class TrivialHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        return new StreamsEventResponse(List.of());
    }
}
