package org.vnetnl.ynl.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

import org.vnetnl.internal.OptionalModule;

/**
 * A request given as a JSON object, read into the named values {@link RequestEncoder} takes. Jackson is an optional
 * dependency of the library, so it is checked for first and used only inside {@link Parser}: the spec client's
 * calls with maps never need it.
 */
final class JsonRequest {

    private JsonRequest() {}

    /** The request's named values; empty for no text. */
    static Map<String, Object> parse(String json) {
        OptionalModule.JSON.require("a JSON request");
        return Parser.parse(json);
    }

    /** Everything that touches Jackson, loaded only once the check above has passed. */
    private static final class Parser {
        // Exact integers; one JSON value and nothing after it; a key given twice is an error, not the last one
        // winning.
        private static final JsonMapper JSON = JsonMapper.builder()
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

        @SuppressWarnings("unchecked")
        static Map<String, Object> parse(String json) {
            if (json == null || json.isBlank()) {
                return Map.of();
            }
            Object value;
            try {
                value = JSON.readValue(json, Object.class);
            } catch (MismatchedInputException e) {
                // The one mismatch reading into Object can give: FAIL_ON_TRAILING_TOKENS.
                throw new IllegalArgumentException("the request has more text after its JSON object" + at(e), e);
            } catch (JsonProcessingException e) {
                if (e.getOriginalMessage().startsWith("Duplicate field")
                        && e.getProcessor() instanceof JsonParser parser) {
                    String path = parser.getParsingContext().pathAsPointer().toString().substring(1).replace('/', '.');
                    throw new IllegalArgumentException(path + ": is given twice in the request", e);
                }
                throw new IllegalArgumentException("the request is not valid JSON" + at(e) + ": "
                        + e.getOriginalMessage().replace('\n', ' '), e);
            }
            if (value instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
            throw new IllegalArgumentException("the request must be a JSON object, got: " + json);
        }

        private static String at(JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            return l == null ? "" : l.getLineNr() > 1 ? " at line " + l.getLineNr() + ", column " + l.getColumnNr()
                    : " at column " + l.getColumnNr();
        }
    }
}
