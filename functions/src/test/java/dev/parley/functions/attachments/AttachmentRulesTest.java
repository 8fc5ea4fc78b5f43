package dev.parley.functions.attachments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.model.errors.BadRequestException;
import dev.parley.model.errors.PayloadTooLargeException;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class AttachmentRulesTest {
    private final AttachmentRules rules = new AttachmentRules(100);

    @Test
    void theAcceptedContentTypesPassLowerCased() {
        for (String type : new String[] {"image/jpeg", "IMAGE/PNG", "video/mp4", "audio/ogg", "application/pdf",
                "application/zip", "text/plain"}) {
            assertThat(rules.contentType(type)).isEqualTo(type.toLowerCase());
        }
    }

    @Test
    void otherContentTypesParametersAndNonStringsAreBadRequest() {
        for (Object type : new Object[] {"text/html", "application/x-msdownload", "image/png; charset=x", "image",
                "", 42, null}) {
            assertThatThrownBy(() -> rules.contentType(type)).as(String.valueOf(type)).isInstanceOf(BadRequestException.class);
        }
    }

    @Test
    void sizesFromOneByteToTheLimitPassAndLargerOnesArePayloadTooLarge() {
        assertThat(rules.size(1L)).isEqualTo(1);
        assertThat(rules.size(100L)).isEqualTo(100);
        assertThatThrownBy(() -> rules.size(101L)).isInstanceOf(PayloadTooLargeException.class);
        assertThatThrownBy(() -> rules.size(new BigInteger("99999999999999999999999"))).isInstanceOf(PayloadTooLargeException.class);
        assertThatThrownBy(() -> rules.size(0L)).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> rules.size("10")).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> rules.size(new java.math.BigDecimal("1.5"))).isInstanceOf(BadRequestException.class);
    }

    @Test
    void fileNamesWithPathSeparatorsOrControlCharactersOrTooLongAreBadRequest() {
        assertThat(rules.fileName("holiday photo (1).jpg")).isEqualTo("holiday photo (1).jpg");
        for (String name : new String[] {"../x", "a\\b", "a\u0000b", "line\nbreak", " ", "x".repeat(256)}) {
            assertThatThrownBy(() -> rules.fileName(name)).as(name).isInstanceOf(BadRequestException.class);
        }
    }
}
