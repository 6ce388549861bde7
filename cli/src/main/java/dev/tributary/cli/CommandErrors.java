package dev.tributary.cli;

import dev.tributary.common.config.ConfigurationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns whatever stopped a command into one line on standard error with a hint, and the documented exit code (see
 * {@link TributaryCli}). The stack trace is printed only with {@code --debug}.
 */
final class CommandErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    private static final List<String> DEV_TOOLS = List.of("demo", "invoke");

    /** A one-line diagnosis and its exit code. */
    record Diagnosis(int exitCode, String message) {}

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage())
                + devToolHint(ex).orElse(" (see '" + command.getCommandSpec().qualifiedName() + " --help')"));
        if (java.util.Arrays.asList(args).contains(TributaryCli.DEBUG)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return TributaryCli.EXIT_USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        Diagnosis diagnosis = diagnose(ex, endpoint(parsed), resources(command));
        err.println(command.getCommandSpec().qualifiedName() + ": " + diagnosis.message());
        if (debug(parsed)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return diagnosis.exitCode();
    }

    /** What went wrong, in one line, and which exit code says so. */
    static Diagnosis diagnose(Throwable ex, Optional<String> endpoint, String resources) {
        if (ex instanceof ParameterException
                || ex instanceof ConfigurationException
                || ex instanceof IllegalArgumentException) {
            return new Diagnosis(TributaryCli.EXIT_USAGE, oneLine(ex.getMessage()));
        }
        if (ex instanceof NoSuchFileException missing) {
            return new Diagnosis(TributaryCli.EXIT_USAGE, "no such file: " + missing.getFile());
        }
        if (ex instanceof UncheckedIOException || ex instanceof IOException) {
            Throwable io = ex instanceof UncheckedIOException u ? u.getCause() : ex;
            if (io instanceof NoSuchFileException missing) {
                return new Diagnosis(TributaryCli.EXIT_USAGE, "no such file: " + missing.getFile());
            }
        }
        if (ex instanceof AwsServiceException aws) {
            return new Diagnosis(TributaryCli.EXIT_AWS, service(aws, resources));
        }
        if (ex instanceof SdkClientException client) {
            return new Diagnosis(TributaryCli.EXIT_AWS, client(client, endpoint));
        }
        return new Diagnosis(
                TributaryCli.EXIT_INTERNAL,
                "internal error: " + ex.getClass().getSimpleName() + ": "
                        + oneLine(String.valueOf(ex.getMessage())) + " (rerun with " + TributaryCli.DEBUG
                        + " for the stack trace)");
    }

    private static String service(AwsServiceException aws, String resources) {
        String code = aws.awsErrorDetails() == null
                ? ""
                : String.valueOf(aws.awsErrorDetails().errorCode());
        String service =
                aws.awsErrorDetails() == null ? "AWS" : aws.awsErrorDetails().serviceName();
        String detail = aws.awsErrorDetails() == null || aws.awsErrorDetails().errorMessage() == null
                ? oneLine(aws.getMessage())
                : oneLine(aws.awsErrorDetails().errorMessage());
        String lower = code.toLowerCase(Locale.ROOT);
        if (lower.contains("notfound")
                || lower.contains("nonexistent")
                || lower.contains("doesnotexist")
                || lower.startsWith("nosuch")
                || aws.statusCode() == 404) {
            return "not found (" + service + " " + code + "): " + detail
                    + " (hint: check " + (resources.isEmpty() ? "the names" : resources)
                    + " against the stack's outputs, and --region)";
        }
        if (aws.statusCode() == 403
                || lower.contains("accessdenied")
                || lower.contains("unauthorized")
                || lower.contains("unrecognizedclient")
                || lower.contains("invalidclienttokenid")
                || lower.contains("expiredtoken")
                || lower.contains("signaturedoesnotmatch")) {
            return "access denied (" + service + " " + code + "): " + detail
                    + " (hint: check the credentials (AWS_PROFILE, aws sts get-caller-identity) and their IAM policy)";
        }
        return service + " error " + code + " (HTTP " + aws.statusCode() + "): " + detail;
    }

    private static String client(SdkClientException client, Optional<String> endpoint) {
        String where = endpoint.map(e -> "endpoint " + e).orElse("AWS");
        for (Throwable cause = client; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                String reason = cause instanceof UnknownHostException
                        ? "unknown host " + cause.getMessage()
                        : "connection refused";
                return "cannot reach " + where + ": " + reason + " (hint: check --endpoint-url / AWS_ENDPOINT_URL, "
                        + "unset both for real AWS, and that the emulator is running)";
            }
        }
        String message = oneLine(client.getMessage());
        if (message.toLowerCase(Locale.ROOT).contains("credentials")) {
            return "no AWS credentials: " + message
                    + " (hint: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)";
        }
        return "AWS client error talking to " + where + ": " + message;
    }

    /** The endpoint in effect: {@code --endpoint-url} on any level of the command line, else AWS_ENDPOINT_URL. */
    private static Optional<String> endpoint(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--endpoint-url")) {
                return Optional.of(level.matchedOptionValue("--endpoint-url", ""));
            }
        }
        return Optional.ofNullable(System.getenv("AWS_ENDPOINT_URL")).filter(e -> !e.isBlank());
    }

    /** The resource names the command was given ({@code --stream=s, --metadata-table=t}), for a not-found hint. */
    static String resources(CommandLine command) {
        List<String> named = new ArrayList<>();
        for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
            String name = option.longestName();
            Object value = option.getValue();
            if (value != null
                    && !String.valueOf(value).isBlank()
                    && name.matches("--(stream|queue|.*-queue|.*-table|.*-bucket|job)")) {
                named.add(name + "=" + value);
            }
        }
        return String.join(", ", named);
    }

    private static boolean debug(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(TributaryCli.DEBUG)) {
                return true;
            }
        }
        return false;
    }

    /** {@code demo} and {@code invoke} asked of the operator jar: say which jar has them. */
    private static Optional<String> devToolHint(ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched
                && unmatched.getCommandLine().getParent() == null
                && unmatched.getUnmatched().stream()
                        .findFirst()
                        .filter(DEV_TOOLS::contains)
                        .isPresent()) {
            return Optional.of(" (hint: demo and invoke run on the local emulator and are in the dev tools' jar: "
                    + "java -jar devtools/target/tributary-dev.jar "
                    + unmatched.getUnmatched().getFirst() + ")");
        }
        return Optional.empty();
    }

    /** The first line of a message, so that a multi-line SDK or picocli message stays one line. */
    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
    }
}
