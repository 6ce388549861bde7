package dev.tributary.transformer;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** The processed bucket as the transformer writes it (a port): one streaming upload per processed object. */
interface ProcessedSink {
    /** A new upload of {@code key} carrying {@code userMetadata}; nothing is visible until it is closed. */
    Upload open(String key, Map<String, String> userMetadata);

    /** An upload in progress: {@link #close()} publishes the whole object, {@link #abort()} drops it. */
    interface Upload extends Closeable {
        OutputStream stream();

        @Override
        void close() throws IOException;

        void abort();
    }
}
