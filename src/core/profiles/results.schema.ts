import {z} from 'zod'

import {PROFILE_KINDS} from '../constants.js'

export const ProfileRow = z.object({
  kind: z.enum(PROFILE_KINDS),
  id: z.string(),
  name: z.string(),
  detail: z.string(),
})
export type ProfileRow = z.infer<typeof ProfileRow>

export const ProfilesListResult = z.object({profiles: z.array(ProfileRow)})
export type ProfilesListResult = z.infer<typeof ProfilesListResult>

export const ProfilesShowResult = z.object({kind: z.enum(PROFILE_KINDS), profile: z.record(z.string(), z.unknown())})
export type ProfilesShowResult = z.infer<typeof ProfilesShowResult>
