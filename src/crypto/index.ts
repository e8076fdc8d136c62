export { importContentKey, deriveHashKey, contentKeyBytes, HASH_KEY_SALT, HASH_KEY_ITERATIONS } from './keys';
export { keyedHash } from './keyed-hash';
export { encryptJson, encryptJsonText, decryptJson, decryptJsonText, decodeJsonPayload, type DecodedJson, type EncryptJsonOptions } from './json-codec';
export { encryptBytes, decryptBytes, recoverQuirkBytes, bytesFromIndexedJson } from './bytes-codec';
export { obfuscateCredential, deobfuscateCredential, CREDENTIAL_PREFIX, CREDENTIAL_PEPPER } from './credential-obfuscation';
export { IV_LENGTH, TAG_LENGTH, MIN_OBJECT_LENGTH } from './envelope';
export { canCompress, canDecompress } from './deflate';
export { utf8Encode, utf8Decode, bytesToBase64, base64ToBytes, bytesToBase64Url, bytesToHex, hexToBytes, concatBytes } from './bytes';
