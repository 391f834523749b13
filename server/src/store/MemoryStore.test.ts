import { describe } from 'vitest';
import { accessStoreContract } from './accessStoreContract';
import { MemoryStore } from './MemoryStore';
import { storeContract } from './storeContract';

describe('MemoryStore', () => {
  storeContract(async () => new MemoryStore());
  describe('access', () => accessStoreContract(async () => new MemoryStore().access));
});
