/** Capability URNs (RFC 8620 section 2, RFC 8621 section 1.3, RFC 8887 section 3, RFC 9404 section 3.1). */
export const CORE = 'urn:ietf:params:jmap:core';
export const MAIL = 'urn:ietf:params:jmap:mail';
export const SUBMISSION = 'urn:ietf:params:jmap:submission';
export const VACATION_RESPONSE = 'urn:ietf:params:jmap:vacationresponse';
export const WEBSOCKET = 'urn:ietf:params:jmap:websocket';
export const BLOB = 'urn:ietf:params:jmap:blob';

/** The core capability object (RFC 8620 section 2): every limit the server enforces. */
export interface CoreCapability {
  maxSizeUpload: number;
  maxConcurrentUpload: number;
  maxSizeRequest: number;
  maxConcurrentRequests: number;
  maxCallsInRequest: number;
  maxObjectsInGet: number;
  maxObjectsInSet: number;
  collationAlgorithms: string[];
}
