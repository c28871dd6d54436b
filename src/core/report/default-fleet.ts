import type {FleetEntrySpec} from './fleet.js'

/**
 * The fleet `r1 report` sizes when neither --fleet nor --fleet-file is given: at least one entry
 * for every architecture from Pascal to Blackwell, Jetson included, plus a two-node Hopper entry.
 * Newest and largest first, so the report opens with the machines R1 runs on; the Pascal and Volta
 * entries that nothing fits come last.
 *
 * Prices are EXAMPLES: round on-demand figures of the kind public GPU clouds list (USD per
 * GPU-hour), not quotes. Set real ones with --fleet-file (pricePerGpuHour) or `8xH100@2.10`.
 * Jetson modules and the Tesla P40 are bought rather than rented: no price.
 */
export const DEFAULT_FLEET: readonly FleetEntrySpec[] = [
  {gpu: 'B200', gpusPerNode: 8, name: '8xB200', nodes: 1, pricePerGpuHour: 4.99},
  {gpu: 'H200', gpusPerNode: 8, name: '8xH200', nodes: 1, pricePerGpuHour: 3.5},
  {gpu: 'H100', gpusPerNode: 8, name: '8xH100', nodes: 1, pricePerGpuHour: 2.99},
  {gpu: 'H100', gpusPerNode: 8, name: '2x8xH100', nodes: 2, pricePerGpuHour: 2.99},
  {gpu: 'A100-80GB', gpusPerNode: 8, name: '8xA100-80GB', nodes: 1, pricePerGpuHour: 1.79},
  {gpu: 'RTX PRO 6000', gpusPerNode: 4, name: '4xRTX-PRO-6000', nodes: 1, pricePerGpuHour: 1.79},
  {gpu: 'L40S', gpusPerNode: 4, name: '4xL40S', nodes: 1, pricePerGpuHour: 0.99},
  {gpu: 'RTX5090', gpusPerNode: 1, name: '1xRTX5090', nodes: 1, pricePerGpuHour: 0.69},
  {gpu: 'RTX4090', gpusPerNode: 1, name: '1xRTX4090', nodes: 1, pricePerGpuHour: 0.39},
  {gpu: 'L4', gpusPerNode: 1, name: '1xL4', nodes: 1, pricePerGpuHour: 0.71},
  {gpu: 'A10', gpusPerNode: 4, name: '4xA10', nodes: 1, pricePerGpuHour: 0.75},
  {gpu: 'RTX3090', gpusPerNode: 2, name: '2xRTX3090', nodes: 1, pricePerGpuHour: 0.22},
  {gpu: 'T4', gpusPerNode: 4, name: '4xT4', nodes: 1, pricePerGpuHour: 0.35},
  {gpu: 'Jetson Thor', gpusPerNode: 1, name: '1xJetson-Thor', nodes: 1, pricePerGpuHour: null},
  {gpu: 'Jetson AGX Orin 64GB', gpusPerNode: 1, name: '1xAGX-Orin-64GB', nodes: 1, pricePerGpuHour: null},
  {gpu: 'V100-32GB', gpusPerNode: 8, name: '8xV100-32GB', nodes: 1, pricePerGpuHour: 2.48},
  {gpu: 'P40', gpusPerNode: 4, name: '4xP40', nodes: 1, pricePerGpuHour: null},
  {gpu: 'P100', gpusPerNode: 1, name: '1xP100', nodes: 1, pricePerGpuHour: 1.46},
]

export const DEFAULT_CONTEXTS: readonly number[] = [8192, 32768, 131072]

export const PRICE_NOTE = 'Prices in the default fleet are examples (round on-demand cloud figures, USD per GPU-hour), not quotes: set yours with --fleet-file or 8xH100@2.10.'
