import { Controller, Get } from '@nestjs/common';
import { Identity } from '../identity.js';

/** OpenID Connect discovery. */
@Controller('.well-known')
export class WellKnownController {
  constructor(private readonly identity: Identity) {}

  @Get('openid-configuration')
  configuration() {
    return this.identity.discoveryDocument();
  }
}
