/**
 * The CloudStore acceptance suite against a second S3 implementation, moto's server: the same tests s3rver
 * and the memory store pass. moto honours If-Match / If-None-Match on PUT (5.x), so the conditional tests run.
 */
import 'fake-indexeddb/auto';
import { describeCloudStore } from '../support/cloud-store-acceptance';
import { useMotoServer } from '../support/moto-server';

const moto = useMotoServer();

for (const getMode of ['signed', 'presigned'] as const) {
  describeCloudStore(
    `s3 on moto (${getMode} reads)`,
    async () => {
      const store = await moto.server.freshStore('acc', { getMode, capabilities: { conditionalPut: true }, maxAttempts: 2 });
      return { store, teardown: async () => store.client.destroy() };
    },
    { manyKeys: 1050, largeBodyBytes: 12 * 1024 * 1024, etagOfBody: true },
  );
}
