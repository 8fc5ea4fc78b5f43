package dev.parley.functions.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NotificationPreviewTest {
    @Test
    void aMessageWithoutTextIsPreviewedByTheKindOfItsFirstAttachment() {
        assertThat(NotificationService.preview("{\"attachments\":[{\"attachmentId\":\"a\",\"contentType\":\"image/jpeg\"}]}"))
                .isEqualTo("Photo");
        assertThat(NotificationService.preview("{\"attachments\":[{\"attachmentId\":\"a\",\"contentType\":\"video/mp4\"},"
                + "{\"attachmentId\":\"b\",\"contentType\":\"image/png\"}]}")).isEqualTo("Video");
        assertThat(NotificationService.preview("{\"attachments\":[{\"attachmentId\":\"a\",\"contentType\":\"audio/ogg\"}]}"))
                .isEqualTo("Audio");
        assertThat(NotificationService.preview("{\"attachments\":[{\"attachmentId\":\"a\",\"contentType\":\"application/pdf\"}]}"))
                .isEqualTo("File");
    }

    @Test
    void textWinsOverAttachmentsAndABodyWithNeitherHasNoPreview() {
        assertThat(NotificationService.preview("{\"text\":\"look\",\"attachments\":[{\"contentType\":\"image/png\"}]}"))
                .isEqualTo("look");
        assertThat(NotificationService.preview("{\"attachments\":[]}")).isEmpty();
        assertThat(NotificationService.preview("{}")).isEmpty();
    }
}
