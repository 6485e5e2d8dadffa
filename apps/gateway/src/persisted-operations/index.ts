export { MANIFEST_FILE, buildManifest, operationId, readManifest, type PersistedOperations, type PersistedQueryManifest } from './manifest';
export { registeredDocuments } from './registered-documents';
export { safelistGuard } from './safelist-guard';
