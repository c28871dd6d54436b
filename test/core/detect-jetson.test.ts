/**
 * Jetson boards from their device-tree model strings (issue 14, defect 10), in every form NVIDIA's device trees
 * and L4T releases use: developer kits and bare modules, with and without the word "Jetson", L4T code names,
 * dts names with carrier+module part numbers, with or without the trailing NUL the kernel puts there.
 *
 * Where each string comes from (read this session unless marked otherwise):
 * - [dt]  device trees' `model = "..."` in Linux arch/arm64/boot/dts/nvidia: "NVIDIA Jetson TX1 Developer Kit"
 *         (tegra210-p2371-2180.dts), "NVIDIA Jetson TX2 Developer Kit", which replaced "NVIDIA Tegra186 P2771-0000
 *         Development Board" (tegra186-p2771-0000.dts), "NVIDIA Jetson Nano Developer Kit" (p3450-0000).
 * - [brief] the strings the brief lists from L4T: "NVIDIA Jetson AGX Orin Developer Kit" (also our fixture),
 *         "NVIDIA Jetson AGX Orin", "NVIDIA Orin Nano Developer Kit", "NVIDIA Jetson Orin NX Engineering Reference
 *         Developer Kit", "NVIDIA Jetson Xavier NX Developer Kit", "Jetson-AGX", "NVIDIA Jetson Nano Developer Kit",
 *         "NVIDIA Jetson TX2", "NVIDIA Jetson AGX Thor Developer Kit", "quill", "lanai", "p3509-0000+p3767-0000".
 * - [l4t] code-name models users reported: "Jetson-AGX" (L4T 32.2) and "jetson-xavier" (L4T 32.1) in
 *         adafruit/Adafruit_Python_PlatformDetect#37; "jetson_tx1" (JetPack 3.2) in rbonghi/jetson_stats#48.
 * - [gpio] NVIDIA jetson-gpio's compatible tables (gpio_pin_data.py): quill/storm/lightning for TX2,
 *         p3509-0000+p3767-0000 (Orin NX on the Xavier NX carrier), p3768-0000+p3767-0005-super, p3737-0000+p3701-0005.
 * - [eeprom] NVIDIA's "Jetson EEPROM layout" page (L4T 32.7.5) and jetson_stats' MODULE_NAME_TABLE: board ids 3668,
 *         3448, 2888, 3310, 3489, 3636, 2180 and their SKUs.
 * - [memory] from memory, not checked against a source this session: "Jetson AGX Orin Developer Kit" (L4T R35.1),
 *         "NVIDIA Jetson Orin Nano Developer Kit" (R36), "NVIDIA Jetson AGX Xavier Developer Kit" (tegra194-p2972-0000),
 *         "NVIDIA Jetson Orin Nano Engineering Reference Developer Kit Super" (JetPack 6.1+), "lanai-3636",
 *         "NVIDIA Jetson TX2 NX Developer Kit", "NVIDIA Jetson Nano 2GB Developer Kit", "NVIDIA IGX Orin Developer
 *         Kit"; "NVIDIA Orin NX Developer Kit" is a constructed variant (no "Jetson", as the Orin Nano one).
 */
import {describe, expect, it} from 'vitest'

import {detectFromCapture} from '../../src/core/detect/capture.js'
import {identifyJetson, isJetsonModel} from '../../src/core/detect/jetson.js'
import {gpuCatalog} from '../helpers/gpu-catalog.js'

const catalog = gpuCatalog()

// [model string, compute capability, profile id (null: no exact profile), name shown contains]; tags as above
const BOARDS: Array<[string, string, string | null, string]> = [
  ['NVIDIA Jetson AGX Orin Developer Kit', '8.7', null, 'NVIDIA Jetson AGX Orin Developer Kit'], // [dt]
  ['Jetson AGX Orin Developer Kit', '8.7', null, 'Jetson AGX Orin'], // [memory] R35.1
  ['NVIDIA Jetson AGX Orin', '8.7', null, 'NVIDIA Jetson AGX Orin'], // [brief] the module
  ['NVIDIA Orin Nano Developer Kit', '8.7', null, 'NVIDIA Orin Nano Developer Kit'], // [brief] no "Jetson"
  ['NVIDIA Jetson Orin Nano Developer Kit', '8.7', null, 'Orin Nano'], // [memory] R36
  ['NVIDIA Jetson Orin Nano Engineering Reference Developer Kit Super', '8.7', 'jetson-orin-nano-super', 'Super'], // [memory] JetPack 6.1+
  ['NVIDIA Jetson Orin NX Engineering Reference Developer Kit', '8.7', 'jetson-orin-nx-16gb', 'Orin NX'], // [brief]
  ['NVIDIA Orin NX Developer Kit', '8.7', 'jetson-orin-nx-16gb', 'Orin NX'], // [memory] constructed
  ['p3509-0000+p3767-0000', '8.7', 'jetson-orin-nx-16gb', 'Jetson Orin NX 16GB'], // [brief]/[gpio]
  ['p3768-0000+p3767-0005-super', '8.7', 'jetson-orin-nano-super', 'Jetson Orin Nano Super 8GB'], // [gpio]
  ['p3737-0000+p3701-0005', '8.7', 'jetson-agx-orin-64gb', 'Jetson AGX Orin 64GB'], // fixture (compatible)
  ['NVIDIA IGX Orin Developer Kit', '8.7', null, 'IGX Orin'], // [memory]
  ['NVIDIA Jetson AGX Thor Developer Kit', '11.0', 'jetson-agx-thor', 'Thor'], // [brief]
  ['NVIDIA Jetson AGX Xavier Developer Kit', '7.2', 'jetson-agx-xavier', 'AGX Xavier'], // [memory] tegra194-p2972-0000
  ['Jetson-AGX', '7.2', 'jetson-agx-xavier', 'Jetson AGX Xavier (Jetson-AGX)'], // [brief]/[l4t] 32.2
  ['jetson-xavier', '7.2', 'jetson-agx-xavier', 'Xavier'], // [l4t] 32.1
  ['NVIDIA Jetson Xavier NX Developer Kit', '7.2', null, 'Xavier NX'], // [brief] not the AGX profile
  ['p3509-0000+p3668-0001', '7.2', null, 'Jetson Xavier NX'], // [eeprom]
  ['NVIDIA Jetson TX2', '6.2', 'jetson-tx2', 'TX2'], // [brief]
  ['NVIDIA Jetson TX2 Developer Kit', '6.2', 'jetson-tx2', 'TX2'], // [dt]
  ['NVIDIA Tegra186 P2771-0000 Development Board', '6.2', 'jetson-tx2', 'TX2'], // [dt] before 2019
  ['quill', '6.2', 'jetson-tx2', 'Jetson TX2 (quill)'], // [brief]/[gpio]
  ['storm', '6.2', 'jetson-tx2', 'Jetson TX2 (storm)'], // [gpio] TX2i
  ['lanai', '6.2', null, 'Jetson TX2 NX (lanai)'], // [brief]
  ['lanai-3636', '6.2', null, 'Jetson TX2 NX (lanai-3636)'], // [brief] "lanai"; the suffix [memory]
  ['NVIDIA Jetson TX2 NX Developer Kit', '6.2', null, 'TX2 NX'], // [memory]
  ['NVIDIA Jetson Nano Developer Kit', '5.3', 'jetson-nano', 'Nano'], // [dt]
  ['NVIDIA Jetson Nano 2GB Developer Kit', '5.3', null, 'Nano 2GB'], // [memory]
  ['NVIDIA Jetson TX1 Developer Kit', '5.3', null, 'TX1'], // [dt]
  ['jetson_tx1', '5.3', null, 'Jetson TX1 (jetson_tx1)'], // [l4t] jetson_stats#48
]

describe('Jetson device-tree model strings', () => {
  for (const [model, cc, profileId, shown] of BOARDS) {
    for (const [how, text] of [
      ['as printed', model],
      ['with the trailing NUL', `${model}\0`],
    ] as const) {
      it(`${JSON.stringify(model)} ${how}: compute capability ${cc}`, () => {
        expect(isJetsonModel(text)).toBe(true)
        const board = identifyJetson({model: text, tegraRelease: null})
        expect(board).toMatchObject({computeCapability: cc, problem: null, profileId})
        expect(board.name).toContain(shown)
        expect(board.name).not.toContain('\0')
      })
    }

    it(`${JSON.stringify(model)} as a capture file (cat /proc/device-tree/model > f): one unified-memory GPU`, () => {
      const parsed = detectFromCapture(`${model}\0`, catalog)
      expect(parsed.result.gpus).toHaveLength(1)
      expect(parsed.result.gpus[0]).toMatchObject({computeCapability: cc, unifiedMemory: true})
    })
  }

  it('a model with the L4T release beside it (cat model nv_tegra_release)', () => {
    const text = 'NVIDIA Orin Nano Developer Kit\0# R35 (release), REVISION: 3.1, GCID: 32827747, BOARD: t186ref, EABI: aarch64, DATE: Sun Mar 19 15:19:21 UTC 2023\n'
    const parsed = detectFromCapture(text, catalog)
    expect(parsed.result.gpus[0]).toMatchObject({computeCapability: '8.7', name: 'NVIDIA Orin Nano Developer Kit'})
  })

  it.each(['Raspberry Pi 4 Model B Rev 1.4', 'FriendlyElec NanoPi NEO', 'Pine64 RockPro64 v2.1', 'QEMU Virtual Machine'])('%s is not a Jetson', (model) => {
    expect(isJetsonModel(`${model}\0`)).toBe(false)
  })
})
