/**
 * Stands in for `@smithy/core/event-streams` in the bundle (esbuild alias in esbuild.config.mjs).
 * Event streams serve only S3 operations this extension never calls (SelectObjectContent and the like),
 * yet the client pulls in their codecs (~15 KB) at construction. The client still builds its config with
 * these names; an operation that really needed an event stream would fail with a clear message.
 */
const unsupported = (): never => {
  throw new Error('S3 event streams are not included in this build (no operation of the extension uses them).');
};

export const eventStreamSerdeProvider = (): unknown => ({ serialize: unsupported, deserialize: unsupported });

export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (c: T) => unknown }>(input: T) =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}
