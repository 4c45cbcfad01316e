/** Injection tokens of the runtime wiring (messaging, blobs, event store) shared by every app. */
export const COMMAND_BUS = Symbol('COMMAND_BUS');
export const COMMAND_CONSUMER_FACTORY = Symbol('COMMAND_CONSUMER_FACTORY');
export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');
export const EVENT_SUBSCRIBER_FACTORY = Symbol('EVENT_SUBSCRIBER_FACTORY');
export const KAFKA_CONNECTION = Symbol('KAFKA_CONNECTION');
export const IN_PROCESS_HUB = Symbol('IN_PROCESS_HUB');
export const BLOB_STORE = Symbol('BLOB_STORE');
export const PROJECTIONS = Symbol('PROJECTIONS');
export const EVENT_READER = Symbol('EVENT_READER');
export const UPCASTERS = Symbol('UPCASTERS');
export const COMMAND_PROCESSOR = Symbol('COMMAND_PROCESSOR');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const COMMAND_ROUTER = Symbol('COMMAND_ROUTER');
export const CONSUMER_LAG = Symbol('CONSUMER_LAG');
/** The push service's publisher of StateChanges (statechanges topic or the in-process hub). */
export const STATE_CHANGE_PUBLISHER = Symbol('STATE_CHANGE_PUBLISHER');
/** Makes a gateway replica's feed of every StateChange. */
export const STATE_CHANGE_FEED_FACTORY = Symbol('STATE_CHANGE_FEED_FACTORY');
