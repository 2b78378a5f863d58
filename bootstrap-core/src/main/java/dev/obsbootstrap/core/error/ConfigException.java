package dev.obsbootstrap.core.error;

/** Bad input: config file, --set, profile, chart reference, template. Exit 2. */
public class ConfigException extends BootstrapException {
    public ConfigException(String message) {
        super(ExitCode.BAD_INPUT, message);
    }

    public ConfigException(String message, Throwable cause) {
        super(ExitCode.BAD_INPUT, message, cause);
    }
}
