import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { AccessReviewer, parseAccessReview, type AccessReviewResult } from '../access-review.js';
import type { PipelineRequest } from './pipeline-request.js';

/** `POST /kapis/iam.mortise.io/v1/accessreviews`: "may user U do V on R, and which binding says so". */
@Controller('kapis/iam.mortise.io/v1')
export class AccessReviewController {
  constructor(@Inject(AccessReviewer) private readonly reviewer: AccessReviewer) {}

  @Post('accessreviews')
  @HttpCode(200)
  review(@Req() request: PipelineRequest, @Body() body: unknown): AccessReviewResult {
    return this.reviewer.review(request.caller, parseAccessReview(body));
  }
}
