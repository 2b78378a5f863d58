package dev.obsbootstrap.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The value rules the config, the catalog and the profiles share. Each returns what is wrong, or nothing. */
public final class Checks {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    // SemVer 2.0.0, exact (no 'v', no ranges): a pin must name one chart build
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");
    private static final Pattern ENV_VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private Checks() {}

    public static Optional<String> dnsLabel(String value) {
        if (value.length() <= 63 && DNS_LABEL.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of("'" + NodeReader.echo(value) + "' is not a valid name: use at most 63 lowercase letters, "
                + "digits and '-', starting and ending with a letter or digit");
    }

    public static Optional<String> dnsSubdomain(String value) {
        if (value.length() <= 253 && DNS_SUBDOMAIN.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of("'" + NodeReader.echo(value) + "' is not a valid Kubernetes name: use lowercase letters, "
                + "digits, '-' and '.', starting and ending with a letter or digit");
    }

    public static Optional<String> semver(String value) {
        if (SEMVER.matcher(value).matches()) {
            return Optional.empty();
        }
        String hint =
                value.startsWith("v") && SEMVER.matcher(value.substring(1)).matches()
                        ? "; drop the leading 'v': " + value.substring(1)
                        : "; write an exact version like 18.11.0";
        return Optional.of("'" + NodeReader.echo(value) + "' is not an exact semantic version" + hint);
    }

    public static Optional<String> chartName(String value) {
        if (DNS_LABEL.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of(
                "'" + NodeReader.echo(value) + "' is not a chart name: use lowercase letters, digits and '-'");
    }

    /** A Helm repository: an https:// URL, or an oci:// registry path. */
    public static Optional<String> repository(String value) {
        if (!value.startsWith("https://") && !value.startsWith("oci://")) {
            return Optional.of("'" + NodeReader.echo(value) + "' is not a chart repository: write an https:// URL "
                    + "(https://charts.example.org/stable) or an oci:// registry path "
                    + "(oci://ghcr.io/example/charts)");
        }
        try {
            URI uri = new URI(value);
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return Optional.of("'" + NodeReader.echo(value) + "' has no host name after the scheme");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.of("'" + NodeReader.echo(value) + "' must not have a query or a fragment");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("'" + NodeReader.echo(value) + "' is not a valid URL: " + e.getReason());
        }
    }

    public static Optional<String> regex(String value) {
        try {
            Pattern.compile(value);
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of("'" + NodeReader.echo(value) + "' is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
    }

    public static boolean envVariable(String value) {
        return ENV_VARIABLE.matcher(value).matches();
    }

    public static boolean secretKey(String value) {
        return value.length() <= 253 && SECRET_KEY.matcher(value).matches();
    }

    public static Optional<String> labelName(String value) {
        if (value.equals("...") || LABEL_NAME.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of("'" + NodeReader.echo(value) + "' is not a label name: use letters, digits and '_', "
                + "not starting with a digit (or '...' to group by every label)");
    }

    /** host:port, for SMTP smarthosts. */
    public static Optional<String> hostPort(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        String port = colon < 0 ? "" : value.substring(colon + 1);
        boolean portOk = port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
        if (host.isEmpty() || host.contains(" ") || !portOk) {
            return Optional.of("'" + NodeReader.echo(value) + "' is not host:port; write it like smtp.example.com:587");
        }
        return Optional.empty();
    }

    /** One or more comma-separated email addresses. */
    public static Optional<String> emailAddresses(String value) {
        for (String address : value.split(",")) {
            String trimmed = address.trim();
            int at = trimmed.lastIndexOf('@');
            if (at <= 0 || at == trimmed.length() - 1) {
                return Optional.of(
                        "'" + NodeReader.echo(trimmed) + "' is not an email address; write it like ops@example.com");
            }
        }
        return Optional.empty();
    }

    /** The longest stack name: the charts append up to about 40 characters to it, and names end at 63. */
    static final int STACK_NAME_MAX = 20;

    /** A stack name: a DNS label short enough for every name the charts derive from it. */
    public static Optional<String> stackName(String value) {
        Optional<String> label = dnsLabel(value);
        if (label.isPresent()) {
            return label;
        }
        if (value.length() > STACK_NAME_MAX) {
            return Optional.of("'" + value + "' is too long for a stack name: use at most " + STACK_NAME_MAX
                    + " characters (the charts derive names of up to 63 from it)");
        }
        return Optional.empty();
    }

    private static final java.util.regex.Pattern REGISTRY = java.util.regex.Pattern.compile(
            "[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*");

    /**
     * Why {@code value} is not a registry an image reference can start with (host[:port][/path], as the OCI
     * distribution reference grammar has it: lower case, no scheme, no tag), or empty when it is.
     */
    public static Optional<String> imageRegistry(String value) {
        if (value.contains("://")) {
            return Optional.of("'" + value + "' is a URL: give the registry as an image reference starts with it, "
                    + "like registry.example.com:5000/mirror (no scheme)");
        }
        if (value.endsWith("/")) {
            return Optional.of("'" + value + "' ends with '/': write it without, like registry.example.com/mirror");
        }
        if (!REGISTRY.matcher(value).matches()) {
            return Optional.of("'" + value + "' is not a registry host[:port][/path] (lower case letters, digits, "
                    + "'.', '-', '_'), like registry.example.com:5000/mirror");
        }
        return Optional.empty();
    }

    private static final java.util.regex.Pattern DNS_NAME = java.util.regex.Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /** Why {@code value} is not a DNS name of lower-case labels (like cluster.local), or empty when it is. */
    public static Optional<String> dnsName(String value) {
        if (value.length() > 253 || !DNS_NAME.matcher(value).matches()) {
            return Optional.of(
                    "'" + value + "' is not a DNS domain: lower-case labels joined by dots, like cluster.local "
                            + "(the kubelet's --cluster-domain; kubectl run -it --rm dns --image=busybox -- cat /etc/resolv.conf "
                            + "shows it in the search line)");
        }
        return Optional.empty();
    }
}
