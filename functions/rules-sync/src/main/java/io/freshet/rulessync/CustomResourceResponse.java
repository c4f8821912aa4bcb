package io.freshet.rulessync;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON a custom resource PUTs to CloudFormation. CloudFormation rejects bodies over 4096
 * bytes, which a long error (every error of every pipeline file) easily exceeds, so the reason is
 * cut until the whole body fits.
 */
public record CustomResourceResponse(String status, String reason, String physicalResourceId, String stackId,
                                     String requestId, String logicalResourceId, ReconcileReport report) {

    public static final String SUCCESS = "SUCCESS";
    public static final String FAILED = "FAILED";
    static final int MAX_BYTES = 4096;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ELLIPSIS = " [...]";

    public CustomResourceResponse {
        reason = reason == null ? "" : reason;
    }

    public String toJson() {
        String body = render(reason);
        if (fits(body)) {
            return body;
        }
        // JSON escaping makes a character cost 1 to 6 bytes, so search for the longest cut that fits.
        int low = 0;
        int high = reason.length();
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (fits(render(cut(mid)))) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return render(cut(low));
    }

    /** The first {@code length} characters of the reason, marked as cut, never splitting a surrogate pair. */
    private String cut(int length) {
        int end = length;
        if (end > 0 && Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        return reason.substring(0, end) + ELLIPSIS;
    }

    private static boolean fits(String body) {
        return body.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    private String render(String reasonText) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Status", status);
        n.put("Reason", reasonText);
        n.put("PhysicalResourceId", physicalResourceId);
        n.put("StackId", stackId);
        n.put("RequestId", requestId);
        n.put("LogicalResourceId", logicalResourceId);
        ObjectNode data = n.putObject("Data");
        data.put("Created", report.created().size());
        data.put("Updated", report.updated().size());
        data.put("Deleted", report.deleted().size());
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
