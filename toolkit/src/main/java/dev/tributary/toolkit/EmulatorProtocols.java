package dev.tributary.toolkit;

/**
 * What SDK clients must speak to an emulator endpoint: the SDK talks CBOR to Kinesis by default, moto only JSON. Here
 * rather than in devkit so that the operator command, given {@code --endpoint-url}, can set it without the harness.
 */
public final class EmulatorProtocols {
    private EmulatorProtocols() {}

    /** Call before building clients for an emulator. */
    public static void use() {
        System.setProperty("aws.cborEnabled", "false");
    }
}
