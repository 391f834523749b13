export { DiskFileStore } from './DiskFileStore';
export {
  type FileStore,
  FileTooLargeError,
  isFileKey,
  keyOf,
  putBytes,
  type StagedFile,
  type StoredFile,
} from './FileStore';
export { checkFileType, detectKind, FILE_KINDS, type FileKind } from './fileTypes';
