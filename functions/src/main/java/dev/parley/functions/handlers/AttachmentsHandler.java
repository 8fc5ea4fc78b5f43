package dev.parley.functions.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.parley.functions.attachments.AttachmentService;
import dev.parley.functions.store.Attachment;
import dev.parley.functions.store.ObjectStore;
import dev.parley.functions.wiring.Wiring;
import dev.parley.model.protocol.JsonTree;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /attachments} (201: a presigned PUT) and {@code GET /attachments/{attachmentId}}
 * (200: a presigned GET, members only).
 */
public final class AttachmentsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final AttachmentService attachments;

    public AttachmentsHandler() {
        this(Wiring.fromEnvironment());
    }

    public AttachmentsHandler(Wiring wiring) {
        this(wiring.attachmentService());
    }

    public AttachmentsHandler(AttachmentService attachments) {
        this.attachments = attachments;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpRoutes.handle(event, (userId, request) -> {
            if ("POST /attachments".equals(request.getRouteKey())) {
                AttachmentService.Upload upload = attachments.start(userId, HttpRoutes.jsonBody(request));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("attachmentId", upload.attachmentId());
                body.put("uploadUrl", upload.put().url().toString());
                body.put("uploadHeaders", new LinkedHashMap<>(upload.put().headers()));
                body.put("expiresAt", upload.put().expiresAt().toEpochMilli());
                return new HttpRoutes.Result(201, JsonTree.write(body));
            }
            AttachmentService.Download download = attachments.download(userId,
                    HttpRoutes.pathParameter(request, "attachmentId"));
            Attachment attachment = download.attachment();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("attachmentId", attachment.attachmentId());
            body.put("downloadUrl", download.get().url().toString());
            body.put("contentType", attachment.contentType());
            body.put("size", attachment.size());
            body.put("fileName", attachment.fileName());
            body.put("expiresAt", download.get().expiresAt().toEpochMilli());
            ObjectStore.Presigned thumbnail = download.thumbnail();
            if (thumbnail != null) {
                body.put("thumbnailUrl", thumbnail.url().toString());
            }
            return new HttpRoutes.Result(200, JsonTree.write(body));
        });
    }
}
