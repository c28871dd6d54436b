/**
 * Jetson boards from their device-tree model strings (issue 14, defect 10), in every form NVIDIA's device trees
 * and L4T releases use: developer kits and bare modules, with and without the word "Jetson", L4T code names,
 * dts names with carrier+module part numbers, with or without the trailing NUL the kernel puts there.
 *
 * Where each string comes from:
 * - [dt]  the device trees' `model = "..."` (Linux arch/arm64/boot/dts/nvidia/tegra*-p*.dts and NVIDIA's L4T dts):
 *         "NVIDIA Jetson AGX Orin Developer Kit" (tegra234-p3737-0000+p3701-0000), "NVIDIA Jetson TX1 Developer Kit"
 *         (tegra210-p2371-2180), "NVIDIA Jetson TX2 Developer Kit" and before it "NVIDIA Tegra186 P2771-0000
 *         Development Board" (tegra186-p2771-0000), "NVIDIA Jetson Nano Developer Kit" (tegra210-p3450-0000),
 *         "NVIDIA Jetson AGX Xavier Developer Kit" (tegra194-p2972-0000), "NVIDIA Jetson Xavier NX Developer Kit"
 *         (tegra194-p3509-0000+p3668-0000), "NVIDIA Jetson Orin NX Engineering Reference Developer Kit" and
 *         "NVIDIA Orin Nano Developer Kit" (tegra234-p3768-0000+p3767-000x, L4T R35), "NVIDIA Jetson AGX Orin"
 *         (the module's tegra234-p3701-0000.dtsi), "NVIDIA Jetson AGX Thor Developer Kit" (L4T R38).
 * - [l4t] L4T's older code-name models, as reported by users: "quill" (TX2, L4T R28), "Jetson-AGX" (AGX Xavier,
 *         L4T 32.2; Adafruit_Python_PlatformDetect#37), "jetson_tx1" (TX1, JetPack 3.2; jetson_stats#48),
 *         "lanai-3636" (TX2 NX).
 * - [gpio] NVIDIA jetson-gpio's compatible tables (gpio_pin_data.py): p3509-0000+p3767-0000 (Orin NX on the
 *         Xavier NX carrier), p3768-0000+p3767-0005-super, quill/storm/lightning for TX2, p3636-0001 TX2 NX.
 * - [eeprom] NVIDIA's "Jetson EEPROM layout" page (L4T 32.7.5): board ids 3668, 3448, 2888, 3310, 3489, 3636, 2180
 *         and their SKUs.
 */
import {describe, expect, it} from 'vitest'

import {detectFromCapture} from '../../src/core/detect/capture.js'
import {identifyJetson, isJetsonModel} from '../../src/core/detect/jetson.js'
import {gpuCatalog} from '../helpers/gpu-catalog.js'

const catalog = gpuCatalog()

// [model string, compute capability, profile id (null: no exact profile), name shown contains]
const BOARDS: Array<[string, string, string | null, string]> = [
  ['NVIDIA Jetson AGX Orin Developer Kit', '8.7', null, 'NVIDIA Jetson AGX Orin Developer Kit'], // [dt]
  ['Jetson AGX Orin Developer Kit', '8.7', null, 'Jetson AGX Orin'], // [l4t] R35.1
  ['NVIDIA Jetson AGX Orin', '8.7', null, 'NVIDIA Jetson AGX Orin'], // [dt] module dtsi
  ['NVIDIA Orin Nano Developer Kit', '8.7', null, 'NVIDIA Orin Nano Developer Kit'], // [dt] R35, no "Jetson"
  ['NVIDIA Jetson Orin Nano Developer Kit', '8.7', null, 'Orin Nano'], // [dt] R36
  ['NVIDIA Jetson Orin Nano Engineering Reference Developer Kit Super', '8.7', 'jetson-orin-nano-super', 'Super'], // [dt] R36.4
  ['NVIDIA Jetson Orin NX Engineering Reference Developer Kit', '8.7', 'jetson-orin-nx-16gb', 'Orin NX'], // [dt]
  ['NVIDIA Orin NX Developer Kit', '8.7', 'jetson-orin-nx-16gb', 'Orin NX'], // [dt] without "Jetson"
  ['p3509-0000+p3767-0000', '8.7', 'jetson-orin-nx-16gb', 'Jetson Orin NX 16GB'], // [gpio] dts name
  ['p3768-0000+p3767-0005-super', '8.7', 'jetson-orin-nano-super', 'Jetson Orin Nano Super 8GB'], // [gpio]
  ['p3737-0000+p3701-0005', '8.7', 'jetson-agx-orin-64gb', 'Jetson AGX Orin 64GB'], // [gpio]/fixture
  ['NVIDIA IGX Orin Developer Kit', '8.7', null, 'IGX Orin'],
  ['NVIDIA Jetson AGX Thor Developer Kit', '11.0', 'jetson-agx-thor', 'Thor'], // [dt] R38
  ['NVIDIA Jetson AGX Xavier Developer Kit', '7.2', 'jetson-agx-xavier', 'AGX Xavier'], // [dt]
  ['Jetson-AGX', '7.2', 'jetson-agx-xavier', 'Jetson AGX Xavier (Jetson-AGX)'], // [l4t] 32.2
  ['jetson-xavier', '7.2', 'jetson-agx-xavier', 'Xavier'], // [l4t] 32.1
  ['NVIDIA Jetson Xavier NX Developer Kit', '7.2', null, 'Xavier NX'], // [dt] not the AGX profile
  ['p3509-0000+p3668-0001', '7.2', null, 'Jetson Xavier NX'], // [eeprom]
  ['NVIDIA Jetson TX2', '6.2', 'jetson-tx2', 'TX2'],
  ['NVIDIA Jetson TX2 Developer Kit', '6.2', 'jetson-tx2', 'TX2'], // [dt]
  ['NVIDIA Tegra186 P2771-0000 Development Board', '6.2', 'jetson-tx2', 'TX2'], // [dt] before 2019
  ['quill', '6.2', 'jetson-tx2', 'Jetson TX2 (quill)'], // [l4t]/[gpio]
  ['storm', '6.2', 'jetson-tx2', 'Jetson TX2 (storm)'], // [gpio] TX2i
  ['lanai-3636', '6.2', null, 'Jetson TX2 NX (lanai-3636)'], // [l4t]
  ['NVIDIA Jetson TX2 NX Developer Kit', '6.2', null, 'TX2 NX'],
  ['NVIDIA Jetson Nano Developer Kit', '5.3', 'jetson-nano', 'Nano'], // [dt]
  ['NVIDIA Jetson Nano 2GB Developer Kit', '5.3', null, 'Nano 2GB'],
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
