import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ScoreQueue, SendBatchFailure } from './port.ts';

/** The score queue on Amazon SQS. */
export class SqsScoreQueue implements ScoreQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sendBatch(entries: { id: string; body: string }[]): Promise<{ failed: SendBatchFailure[] }> {
    const r = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: entries.map((e) => ({ Id: e.id, MessageBody: e.body })),
      }),
    );
    return {
      failed: (r.Failed ?? []).map((f) => ({
        id: f.Id ?? '',
        code: f.Code ?? 'Unknown',
        message: f.Message ?? '',
        senderFault: f.SenderFault === true,
      })),
    };
  }
}
