// HDF5 metadata extraction from a 2 GiB Data Exchange file vs a 2 MiB one with the same metadata.
import { runTypeScriptBench } from './ts-runner.mjs';

await runTypeScriptBench('hdf5-metadata.ts');
