package dev.tributary.transformer.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlPartsTest {

    @Test
    void split_whenUrlWithQuery_givesHostPathQueryAndDecodedParams() throws Exception {
        ObjectNode parts = UrlParts.split("https://Shop.Example.com/p/caf%C3%A9?item=42&q=red+shoes&item=43#top");

        assertThat(parts.get("scheme").asText()).isEqualTo("https");
        assertThat(parts.get("host").asText()).isEqualTo("shop.example.com");
        assertThat(parts.has("port")).isFalse();
        assertThat(parts.has("host_unicode")).isFalse();
        assertThat(parts.get("path").asText()).isEqualTo("/p/café");
        assertThat(parts.get("query").asText()).isEqualTo("item=42&q=red+shoes&item=43");
        assertThat(parts.get("query_params").get("item").asText()).isEqualTo("42");
        assertThat(parts.get("query_params").get("q").asText()).isEqualTo("red shoes");
        assertThat(parts.toString()).doesNotContain("top");
    }

    @Test
    void split_whenNoPathOrQueryAndExplicitPort_givesSlashNullQueryAndPort() throws Exception {
        ObjectNode parts = UrlParts.split("http://localhost:8080");

        assertThat(parts.get("path").asText()).isEqualTo("/");
        assertThat(parts.get("port").asInt()).isEqualTo(8080);
        assertThat(parts.get("query").isNull()).isTrue();
    }

    @Test
    void split_whenNoUrl_givesNull() throws Exception {
        assertThat(UrlParts.split(null)).isNull();
        assertThat(UrlParts.split("  ")).isNull();
    }

    @Nested
    class International {
        @Test
        void split_whenInternationalHostAndPathAndQuery_givesPunycodeHostAndDecodedPath() throws Exception {
            ObjectNode parts = UrlParts.split("https://bücher.example/straße?q=ü");

            assertThat(parts.get("host").asText()).isEqualTo("xn--bcher-kva.example");
            assertThat(parts.get("host_unicode").asText()).isEqualTo("bücher.example");
            assertThat(parts.get("path").asText()).isEqualTo("/straße");
            assertThat(parts.get("query").asText()).isEqualTo("q=%C3%BC"); // as a browser sends it
            assertThat(parts.get("query_params").get("q").asText()).isEqualTo("ü");
        }

        @Test
        void split_whenJapaneseHostAndPath_givesPunycodeHost() throws Exception {
            ObjectNode parts = UrlParts.split("https://例え.テスト/パス");

            assertThat(parts.get("host").asText()).isEqualTo("xn--r8jz45g.xn--zckzah");
            assertThat(parts.get("host_unicode").asText()).isEqualTo("例え.テスト");
            assertThat(parts.get("path").asText()).isEqualTo("/パス");
        }

        @Test
        void split_whenHostAlreadyPunycodeOrPercentEncoded_givesTheSameAsciiHost() throws Exception {
            assertThat(UrlParts.split("https://xn--bcher-kva.example/")
                            .get("host")
                            .asText())
                    .isEqualTo("xn--bcher-kva.example");
            assertThat(UrlParts.split("https://xn--bcher-kva.example/")
                            .get("host_unicode")
                            .asText())
                    .isEqualTo("bücher.example");
            assertThat(UrlParts.split("HTTPS://B%C3%9Ccher.Example/")
                            .get("host")
                            .asText())
                    .isEqualTo("xn--bcher-kva.example");
        }

        @Test
        void split_whenFullWidthDotsSeparateLabels_treatsThemAsDots() throws Exception {
            assertThat(UrlParts.split("https://例え。テスト/").get("host").asText()).isEqualTo("xn--r8jz45g.xn--zckzah");
        }
    }

    @Nested
    class AsBrowsersParse {
        @Test
        void split_whenSpacesInPathAndQuery_encodesTheQueryAndDecodesThePath() throws Exception {
            ObjectNode parts = UrlParts.split("  https://shop.example.com/my cart?q=red shoes&x=\"a\"\n");

            assertThat(parts.get("path").asText()).isEqualTo("/my cart");
            assertThat(parts.get("query").asText()).isEqualTo("q=red%20shoes&x=%22a%22");
            assertThat(parts.get("query_params").get("q").asText()).isEqualTo("red shoes");
        }

        @Test
        void split_whenPercentEscapesAreMalformed_keepsThemLiterally() throws Exception {
            ObjectNode parts = UrlParts.split("https://shop.example.com/100%25/50%?d=%zz&e=%E2%82%AC");

            assertThat(parts.get("path").asText()).isEqualTo("/100%/50%");
            assertThat(parts.get("query_params").get("d").asText()).isEqualTo("%zz");
            assertThat(parts.get("query_params").get("e").asText()).isEqualTo("€");
        }

        @Test
        void split_whenUserinfo_dropsItAndKeepsHostAndPort() throws Exception {
            ObjectNode parts = UrlParts.split("https://alice:s3cret@shop.example.com:8443/account");

            assertThat(parts.get("host").asText()).isEqualTo("shop.example.com");
            assertThat(parts.get("port").asInt()).isEqualTo(8443);
            assertThat(parts.toString()).doesNotContain("alice").doesNotContain("s3cret");
        }

        @Test
        void split_whenPortIsTheSchemesDefault_omitsIt() throws Exception {
            assertThat(UrlParts.split("https://shop.example.com:443/").has("port"))
                    .isFalse();
            assertThat(UrlParts.split("http://shop.example.com:80/").has("port"))
                    .isFalse();
            assertThat(UrlParts.split("http://shop.example.com:443/")
                            .get("port")
                            .asInt())
                    .isEqualTo(443);
        }

        @ParameterizedTest
        @CsvSource({
            "http://[2001:DB8:0:0:0:0:0:1]:8080/x, '[2001:db8::1]'",
            "http://[::1]/, '[::1]'",
            "http://[::ffff:192.0.2.1]/, '[::ffff:c000:201]'",
            "http://[1:0:0:2:0:0:0:3]/, '[1:0:0:2::3]'",
            "http://0x7f.1/, 127.0.0.1",
            "http://3232235521/, 192.168.0.1",
            "http://192.168.0.1./, 192.168.0.1",
        })
        void split_whenIpHost_serialisesItAsBrowsersDo(String url, String host) throws Exception {
            assertThat(UrlParts.split(url).get("host").asText()).isEqualTo(host);
        }

        @Test
        void split_whenBackslashesAndDotSegments_normalisesLikeABrowser() throws Exception {
            ObjectNode parts = UrlParts.split("https:\\\\shop.example.com\\a\\b\\..\\c/./d/%2e%2E/e");

            assertThat(parts.get("host").asText()).isEqualTo("shop.example.com");
            assertThat(parts.get("path").asText()).isEqualTo("/a/c/e");
        }
    }

    @Nested
    class Unparseable {
        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                value = {
                    "/relative/path | no scheme",
                    "shop.example.com/cart | no scheme",
                    "https://bad host/ | forbidden code point (U+0020)",
                    "https://a<b.example/ | forbidden code point (U+003C)",
                    "https:// | empty host",
                    "https://user@/x | empty host",
                    "https://shop.example.com:99999/ | port",
                    "https://shop.example.com:8o/ | port",
                    "http://[::1/ | closing ]",
                    "http://[1:2:3]/ | not an IPv6 address",
                    "http://192.168.0.257/ | IPv4 host is out of range",
                    "http://1.2.3.4.5/ | more than four parts",
                    "https://exa%00mple.com/ | forbidden code point (U+0000)",
                })
        void split_whenBrowsersWouldRejectIt_throwsSayingWhyWithoutQuotingIt(String url, String why) {
            assertThatThrownBy(() -> UrlParts.split(url))
                    .isInstanceOf(InvalidUrlException.class)
                    .hasMessageContaining(why)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("example"));
        }

        @Test
        void split_whenLabelTooLongForIdna_throws() {
            assertThatThrownBy(() -> UrlParts.split("https://" + "ü".repeat(70) + ".example/"))
                    .isInstanceOf(InvalidUrlException.class)
                    .hasMessageContaining("internationalised domain name");
        }
    }
}
