package dev.parley.model.routes;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The attachments bucket as the catalogue grants it: where objects live ({@link #UPLOADS} for what
 * users upload through presigned URLs, {@link #THUMBNAILS} for what the object-created function
 * makes), and what a function may do under a prefix. The CDK app grants exactly these actions on
 * exactly these prefixes.
 */
public final class Bucket {
    /** Uploaded attachments: {@code uploads/<attachmentId>}. The object-created notification filters on it. */
    public static final String UPLOADS = "uploads/";
    /** Thumbnails of image attachments: {@code thumbnails/<attachmentId>}. Outside {@link #UPLOADS}, so making one triggers nothing. */
    public static final String THUMBNAILS = "thumbnails/";

    private Bucket() {}

    public static String uploadKey(String attachmentId) {
        return UPLOADS + attachmentId;
    }

    public static String thumbnailKey(String attachmentId) {
        return THUMBNAILS + attachmentId;
    }

    /** An S3 action a function performs on the attachments bucket. */
    public enum Op {
        /** GetObject and HeadObject, and presigning a GET. */
        GET_OBJECT("s3:GetObject"),
        /** PutObject, and presigning a PUT (the URL carries the signer's permission). */
        PUT_OBJECT("s3:PutObject");

        private final String iamAction;

        Op(String iamAction) {
            this.iamAction = iamAction;
        }

        public String iamAction() {
            return iamAction;
        }
    }

    /** The actions one function performs on the objects under one prefix. */
    public record Access(String prefix, Set<Op> ops) {
        public Access {
            ops = Set.copyOf(ops);
        }

        public static Access of(String prefix, Op first, Op... rest) {
            return new Access(prefix, EnumSet.of(first, rest));
        }
    }

    /** Shorthand for catalogue entries. */
    static List<Access> access(Access... accesses) {
        return List.of(accesses);
    }
}
