import { describe } from 'vitest';
import { MemoryStore } from './MemoryStore';
import { storeContract } from './storeContract';

describe('MemoryStore', () => {
  storeContract(async () => new MemoryStore());
});
