package io.freshet.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;

class S3NotificationsTest {

    static String eventBridge(String key) {
        return """
                {"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103","detail-type":"Object Created","source":"aws.s3",
                 "account":"123456789012","time":"2026-05-26T08:15:02Z","region":"eu-central-1",
                 "resources":["arn:aws:s3:::lake"],
                 "detail":{"version":"0","bucket":{"name":"lake"},
                   "object":{"key":"%s","size":5,"etag":"b1946ac92492d2347c6235b4d2611184","version-id":"IYV3p45BhZA.2hG","sequencer":"00617F08299329D189"},
                   "request-id":"N4N7GDK58NMKJ12R","requester":"123456789012","reason":"PutObject"}}
                """.formatted(key);
    }

    static String records(String key) {
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-central-1","eventTime":"2026-05-26T08:15:02.123Z",
                  "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"lake","arn":"arn:aws:s3:::lake"},
                  "object":{"key":"%s","size":5,"eTag":"b1946ac92492d2347c6235b4d2611184","sequencer":"0055AED6DCD90281E5"}}}]}
                """.formatted(key);
    }

    @Test
    void readsTheEventBridgeShape() {
        List<ObjectChange> created = S3Notifications.parse(EventJson.read(eventBridge("landing/taps/date=2026-05-26/taps-0815.csv"))).all();
        assertEquals(List.of(new ObjectCreated("lake", "landing/taps/date=2026-05-26/taps-0815.csv", Optional.of("IYV3p45BhZA.2hG"),
                "b1946ac92492d2347c6235b4d2611184", 5, "00617F08299329D189", Instant.parse("2026-05-26T08:15:02Z"))), created);
        assertEquals("IYV3p45BhZA.2hG", ((ObjectCreated) created.get(0)).dataVersion());
    }

    @Test
    void readsTheClassicRecordsShapeWithoutAVersionId() {
        ObjectCreated o = (ObjectCreated) S3Notifications.parse(EventJson.read(records("landing/x.csv"))).all().get(0);
        assertEquals(Optional.empty(), o.versionId());
        assertEquals("b1946ac92492d2347c6235b4d2611184", o.dataVersion(), "unversioned buckets fall back to the ETag");
        assertEquals(Instant.parse("2026-05-26T08:15:02.123Z"), o.time());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "landing/taps/date%3D2026-05-26/gate+A+exports.csv | landing/taps/date=2026-05-26/gate A exports.csv",
            "landing/c%2B%2B/a%2Bb.csv                        | landing/c++/a+b.csv",
            "landing/%C5%BElu%C5%A5ou%C4%8Dk%C3%BD/k%C5%AF%C5%88.csv | landing/žluťoučký/kůň.csv",
            "landing/taps/date=2026-05-26/plain.csv           | landing/taps/date=2026-05-26/plain.csv",
            "landing/100%25.csv                               | landing/100%.csv",
    })
    void decodesKeysInBothShapes(String encoded, String decoded) {
        assertEquals(decoded, S3Notifications.parse(EventJson.read(eventBridge(encoded))).all().get(0).key());
        assertEquals(decoded, S3Notifications.parse(EventJson.read(records(encoded))).all().get(0).key());
    }

    @Test
    void readsDeletionsInBothShapes() {
        ObjectDeleted marker = (ObjectDeleted) S3Notifications.parse(EventJson.read(eventBridge("k").replace("Object Created", "Object Deleted")
                .replace("\"reason\":\"PutObject\"", "\"reason\":\"DeleteObject\",\"deletion-type\":\"Delete Marker Created\""))).all().get(0);
        assertEquals(new ObjectDeleted("lake", "k", Optional.of("IYV3p45BhZA.2hG"), "00617F08299329D189", true,
                Instant.parse("2026-05-26T08:15:02Z")), marker);
        ObjectDeleted permanent = (ObjectDeleted) S3Notifications.parse(EventJson.read(eventBridge("k").replace("Object Created", "Object Deleted")
                .replace("\"reason\":\"PutObject\"", "\"reason\":\"Lifecycle Expiration\",\"deletion-type\":\"Permanently Deleted\""))).all().get(0);
        assertEquals(false, permanent.deleteMarker());
        ObjectDeleted removed = (ObjectDeleted) S3Notifications.parse(EventJson.read(records("k").replace("ObjectCreated:Put", "ObjectRemoved:Delete"))).all().get(0);
        assertEquals(false, removed.deleteMarker());
        assertEquals(true, ((ObjectDeleted) S3Notifications.parse(EventJson.read(records("k").replace("ObjectCreated:Put",
                "LifecycleExpiration:DeleteMarkerCreated"))).all().get(0)).deleteMarker());
    }

    @Test
    void skipsWhatChangesNoData() {
        assertEquals(List.of(), S3Notifications.parse(EventJson.read(eventBridge("k").replace("Object Created", "Object Restore Completed"))).all());
        assertEquals(List.of(), S3Notifications.parse(EventJson.read(records("k").replace("ObjectCreated:Put", "ObjectTagging:Put"))).all());
        // S3's real test event, sent when a notification is configured: no Records key at all.
        assertEquals(List.of(), S3Notifications.parse(EventJson.read(
                "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-05-26T08:15:02.089Z\",\"Bucket\":\"lake\","
                        + "\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKx\"}")).all());
        assertEquals(List.of(), S3Notifications.parse(EventJson.read(
                "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Records\":[]}")).all());
    }

    @Test
    void aMalformedRecordIsRejectedWithItsIndexAndTheOthersAreRead() {
        String good = records("landing/a.csv").strip();
        String goodRecord = good.substring("{\"Records\":[".length(), good.length() - 2);
        S3Notifications.Parsed p = S3Notifications.parse(EventJson.read("{\"Records\":[" + goodRecord + ",{\"Sns\":{}},"
                + goodRecord.replace("landing/a.csv", "landing/b.csv") + ",{\"eventName\":\"ObjectCreated:Put\",\"eventTime\":\"2026-05-26T08:15:02Z\","
                + "\"s3\":{\"bucket\":{\"name\":\"lake\"},\"object\":{\"sequencer\":\"1\"}}}, 7]}"));
        assertEquals(List.of("landing/a.csv", "landing/b.csv"), p.all().stream().map(ObjectChange::key).toList());
        assertEquals(List.of(0, 2), p.changes().stream().map(S3Notifications.Indexed::index).toList());
        assertEquals(List.of(new S3Notifications.Rejected(1, "an SNS or SQS wrapper: unwrap the S3 notification before sending it here"),
                new S3Notifications.Rejected(3, "missing or empty 'key' in s3.object"),
                new S3Notifications.Rejected(4, "a record must be a JSON object, got number")), p.rejected());
        assertEquals(5, p.records());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1,2]                                                   | expected a JSON object: an EventBridge 'Object Created' event or S3 'Records'",
            "{}                                                      | neither an EventBridge event (no 'detail-type') nor an S3 notification (no 'Records')",
            "{\"Records\":{}}                                        | 'Records' must be a list",
            "{\"detail-type\":\"Object Created\",\"source\":\"aws.ec2\"} | an 'Object Created' event from source 'aws.ec2', expected aws.s3",
    })
    void rejectsMalformedNotificationsWithTheReason(String json, String reason) {
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> S3Notifications.parse(EventJson.read(json)));
        assertEquals(reason, e.getMessage());
    }

    @Test
    void rejectsBrokenEncodingAndTimes() {
        assertEquals("the object key 'landing/%ZZ.csv' is not valid URL encoding: each % must be followed by two hex digits",
                assertThrows(MalformedEventException.class, () -> S3Notifications.parse(EventJson.read(eventBridge("landing/%ZZ.csv")))).getMessage());
        assertEquals("'yesterday' is not an ISO-8601 time", assertThrows(MalformedEventException.class,
                () -> S3Notifications.parse(EventJson.read(eventBridge("k").replace("2026-05-26T08:15:02Z", "yesterday")))).getMessage());
        assertTrue(assertThrows(MalformedEventException.class, () -> EventJson.read("{\"Records\":[")).getMessage().startsWith("not JSON: "));
    }
}
