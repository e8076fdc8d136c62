export * from './types';
export * from './paths';
export * from './metadata';
export * from './entry-fields';
export * from './cloud-value';
export * from './tombstones';
export * from './manifests';
export * from './entry-identity';
