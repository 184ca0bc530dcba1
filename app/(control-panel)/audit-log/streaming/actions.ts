"use server";

import { formAction } from "@/lib/actions/form-action";
import {
  createStreamDestinationOperation,
  deleteStreamDestinationOperation,
  replayStreamDestinationOperation,
  sendStreamTestOperation,
  setStreamDestinationEnabledOperation,
  updateStreamDestinationOperation,
} from "@/lib/audit/stream/destinations";

export const createStreamDestinationAction = formAction(createStreamDestinationOperation);
export const updateStreamDestinationAction = formAction(updateStreamDestinationOperation);
export const deleteStreamDestinationAction = formAction(deleteStreamDestinationOperation);
export const setStreamDestinationEnabledAction = formAction(setStreamDestinationEnabledOperation);
export const replayStreamDestinationAction = formAction(replayStreamDestinationOperation);
export const sendStreamTestAction = formAction(sendStreamTestOperation);
