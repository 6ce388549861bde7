package dev.tributary.transformer.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserAgentClassifierTest {
    static UserAgentClassifier classifier;

    @BeforeAll
    static void load() {
        classifier = new UserAgentClassifier(100);
    }

    @Test
    void classify_whenChromeOnWindows_givesFamilyOsAndDesktop() {
        ObjectNode ua = classifier.classify("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36");

        assertThat(ua.get("family").asText()).isEqualTo("Chrome");
        assertThat(ua.get("major").asText()).isEqualTo("120");
        assertThat(ua.get("os").asText()).isEqualTo("Windows");
        assertThat(ua.get("device_class").asText()).isEqualTo("desktop");
    }

    @Test
    void classify_whenIphoneSafari_givesPhone() {
        ObjectNode ua = classifier.classify("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
                + "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1");

        assertThat(ua.get("family").asText()).isEqualTo("Mobile Safari");
        assertThat(ua.get("os").asText()).isEqualTo("iOS");
        assertThat(ua.get("device_family").asText()).isEqualTo("iPhone");
        assertThat(ua.get("device_class").asText()).isEqualTo("phone");
    }

    @Test
    void classify_whenIpadOrAndroidWithoutMobileToken_givesTablet() {
        assertThat(classifier
                        .classify("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
                                + "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1")
                        .get("device_class")
                        .asText())
                .isEqualTo("tablet");
        assertThat(classifier
                        .classify("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like "
                                + "Gecko) Chrome/119.0.0.0 Safari/537.36")
                        .get("device_class")
                        .asText())
                .isEqualTo("tablet");
    }

    @Test
    void classify_whenAndroidPhone_givesPhone() {
        assertThat(classifier
                        .classify("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                                + "Gecko) Chrome/120.0.0.0 Mobile Safari/537.36")
                        .get("device_class")
                        .asText())
                .isEqualTo("phone");
    }

    @Test
    void classify_whenCrawler_givesBot() {
        ObjectNode ua = classifier.classify("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");

        assertThat(ua.get("device_class").asText()).isEqualTo("bot");
    }

    @Test
    void classify_whenSameAgentTwice_returnsCachedResultAndNullForBlank() {
        String agent = "curl/8.4.0";
        assertThat(classifier.classify(agent)).isSameAs(classifier.classify(agent));
        assertThat(classifier.classify("  ")).isNull();
        assertThat(classifier.classify(agent).get("device_class").asText()).isEqualTo("other");
    }
}
