import type { ConsentRecordRow } from '../../src/db/schema';

/** A current consent decision as the consent rules read it, for unit tests. */
export const consentRecord = (purpose: ConsentRecordRow['purpose'], contactChannel: ConsentRecordRow['contactChannel'], granted: boolean): ConsentRecordRow => ({
  id: `cons_${purpose}_${contactChannel}`,
  customerId: 'cus_x',
  purpose,
  contactChannel,
  granted,
  source: 'test',
  channel: 'WEB',
  recordedBy: 'cus_x',
  recordedAt: new Date(),
});
