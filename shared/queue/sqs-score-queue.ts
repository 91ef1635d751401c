import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ScoreQueue, SendBatchFailure, SendEntry } from './port.ts';

/** A queue of this system on Amazon SQS (the score, rescore and notify queues). */
export class SqsScoreQueue implements ScoreQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sendBatch(entries: SendEntry[]): Promise<{ failed: SendBatchFailure[] }> {
    const r = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        // MessageGroupId on a standard queue makes it a fair queue: a tenant's backlog does not delay the others'.
        Entries: entries.map((e) => ({
          Id: e.id,
          MessageBody: e.body,
          ...(e.groupId === undefined ? {} : { MessageGroupId: e.groupId }),
          ...(e.delaySeconds === undefined ? {} : { DelaySeconds: e.delaySeconds }),
        })),
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
