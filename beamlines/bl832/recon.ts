/** 8.3.2's recon: tomography at NERSC or ALCF (reconstruct, then the multi-resolution copy), with its options. */
import { parseReconOptions } from '../../src/hpc/options.js';
import { reconPlan } from '../../src/steps/recon.js';
import { alcfJobs832, alcfResultsRoot832, wrapper832 } from './alcf.js';
import { multiresJob832, reconJob832, resultsRoot832 } from './nersc.js';
import { describeOptions832, Options832 } from './recon-options.js';

export const recon832 = reconPlan({
  technique: 'tomography',
  example: 'raw/BLS-00000_example/example_scan.h5',
  parseOptions: (defaults, raw, field) => parseReconOptions(Options832, defaults, raw, field),
  describeOptions: describeOptions832,
  nersc: (s) => ({
    reconstruct: (scan, o) => reconJob832(s, scan, o),
    multires: (scan, o) => multiresJob832(s, scan, o),
  }),
  resultsRoot: resultsRoot832,
  alcf: { jobs: alcfJobs832, resultsRoot: alcfResultsRoot832, fn: wrapper832 },
});
