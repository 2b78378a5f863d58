package dev.obsbootstrap.core.cluster;

import dev.obsbootstrap.core.console.Redactor;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * What a failed Kubernetes API call means, in one line a person can act on. fabric8 wraps every failure as
 * "Operation: [get] for kind: [Deployment] ... failed." and keeps the reason in the cause chain or the Status: this
 * digs it out. A network failure names the API server and what happened ("connection refused"); an HTTP failure gives
 * the code and the server's message. A permissions hint belongs only to 401/403 ({@link #accessHint}).
 */
public final class KubeErrors {
    private static final Redactor REDACTOR = Redactor.standard();

    private KubeErrors() {}

    public static String describe(KubernetesClient client, KubernetesClientException e) {
        Optional<String> network = networkCause(e);
        if (network.isPresent()) {
            return "lost the Kubernetes API server at " + masterUrl(client) + ": " + network.get();
        }
        if (e.getStatus() != null
                && e.getStatus().getMessage() != null
                && !e.getStatus().getMessage().isBlank()) {
            return "HTTP " + e.getCode() + ": "
                    + REDACTOR.redact(firstLine(e.getStatus().getMessage()));
        }
        if (e.getCode() > 0) {
            return "HTTP " + e.getCode() + ": " + REDACTOR.redact(firstLine(e.getMessage()));
        }
        Throwable root = rootCause(e);
        String reason = root == e
                ? firstLine(e.getMessage())
                : firstLine(e.getMessage()) + " (" + root.getClass().getSimpleName()
                        + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage())) + ")";
        return REDACTOR.redact(reason);
    }

    /** " (hint)" for a 401 or 403, else "": a permissions hint for a network failure only misleads. */
    public static String accessHint(KubernetesClientException e, String hint) {
        return e.getCode() == 401 || e.getCode() == 403 ? " (" + hint + ")" : "";
    }

    /** Whether the call failed because the API server could not be reached or stopped answering. */
    public static boolean isNetwork(Throwable e) {
        return networkCause(e).isPresent();
    }

    static Optional<String> networkCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConnectException) {
                return Optional.of("connection refused" + detail(cause));
            }
            if (cause instanceof UnknownHostException) {
                return Optional.of("unknown host " + firstLine(cause.getMessage()));
            }
            if (cause instanceof NoRouteToHostException) {
                return Optional.of("no route to host");
            }
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
                return Optional.of("no answer in time");
            }
            if (cause instanceof ClosedChannelException
                    || cause instanceof EOFException
                    || (cause instanceof SocketException && cause.getMessage() != null)) {
                return Optional.of(
                        "the connection was closed (" + cause.getClass().getSimpleName() + detail(cause) + ")");
            }
            if (cause instanceof InterruptedIOException || cause instanceof InterruptedException) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String detail(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? "" : ": " + firstLine(message);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String masterUrl(KubernetesClient client) {
        try {
            return String.valueOf(client.getMasterUrl());
        } catch (RuntimeException e) {
            return "(unknown)";
        }
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
