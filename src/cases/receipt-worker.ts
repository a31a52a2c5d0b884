/**
 * The worker thread that renders receipt PDFs (the pool is in receipt.ts): the same
 * renderer, with the receipt's standard labels of the input's language, off the portal's
 * event loop.
 */
import { serveTasks } from '../platform/worker-pool.js';
import { receiptLabels, renderReceiptPdfHere, type ReceiptInput } from './receipt.js';

// The task is what receipt.ts's pool sends: a ReceiptInput (structured-cloned).
serveTasks((task) => {
  const input = task as ReceiptInput;
  return renderReceiptPdfHere(input, receiptLabels(input.lang));
});
