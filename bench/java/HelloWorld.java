/** The floor every start-up figure is compared with: a JVM that prints one line and exits. */
public final class HelloWorld {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
