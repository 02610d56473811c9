package one.flowmade.aether.codec;

/**
 * What a reader of typed events does with stored data it cannot decode. Either way the failure
 * is reported (logged at WARN and passed to the {@link DecodeFailureListener}); nothing is skipped
 * silently.
 */
public enum DecodeFailurePolicy {
  /** Report the event and go on without it. */
  REPORT_AND_SKIP,
  /** Report the event and fail the read with a {@link one.flowmade.aether.DecodingException}. */
  FAIL
}
