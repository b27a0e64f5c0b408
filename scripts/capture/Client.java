// Java client for scripts/capture-profiles.sh: java.net.http.HttpClient with its defaults
// (HTTP/2 preferred), one GET per URL. Run as a single-file program: java Client.java URL...
// The test CA comes from -Djavax.net.ssl.trustStore.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public class Client {
    public static void main(String[] args) throws Exception {
        for (String url : args) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).GET().build();
            HttpResponse<String> res = client.send(req, HttpResponse.BodyHandlers.ofString());
            System.out.println(url + " " + res.statusCode() + " " + res.version());
        }
        System.exit(0);
    }
}
