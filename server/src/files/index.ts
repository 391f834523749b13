export { DiskFileStore } from './DiskFileStore';
export {
  type FileStore,
  FileTooLargeError,
  isFileKey,
  keyOf,
  PENDING_UPLOAD_TTL_MS,
  putBytes,
  type StagedFile,
  type StoredFile,
  SWEEP_EVERY_MS,
} from './FileStore';
export { FileSweeper } from './FileSweeper';
export { checkFileType, detectKind, FILE_KINDS, type FileKind } from './fileTypes';
