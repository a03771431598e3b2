import { redactCredentials, redactUrl } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';

describe('redactUrl: every credential form (issue #12)', () => {
  it.each([
    ['postgres://app:hunter2@db:5432/shop', 'postgres://app:***@db:5432/shop'],
    ['postgres://app:p@ss@word@db:5432/shop', 'postgres://app:***@db:5432/shop'],
    ['postgres://app:pa/ss@db/shop', 'postgres://app:***@db/shop'],
    ['postgres://app:x@db/shop?a=b@c', 'postgres://app:***@db/shop?a=b@c'],
    [
      'postgres://postgres@127.0.0.1:5432/test?password=X',
      'postgres://postgres@127.0.0.1:5432/test?password=***',
    ],
    [
      'postgres://h/db?sslmode=require&sslpassword=pw&sslkey=/home/me/key.pem&application_name=ui',
      'postgres://h/db?sslmode=require&sslpassword=***&sslkey=***&application_name=ui',
    ],
    ['https://api.example/items?token=abc123&page=2', 'https://api.example/items?token=***&page=2'],
    [
      'https://api.example/items?access_token=a&api_key=b&X-Amz-Signature=c',
      'https://api.example/items?access_token=***&api_key=***&X-Amz-Signature=***',
    ],
    ['host=db user=me password=secret dbname=x', 'host=db user=me password=*** dbname=x'],
    ["host=db password='a b' dbname=x", 'host=db password=*** dbname=x'],
    ['mysql://root@localhost/x', 'mysql://root@localhost/x'],
    ['rest://ghp_abcdefghijklmnopqrstuvwxyz123456@api.github.com/x', 'rest://***@api.github.com/x'],
    ['sqlite:data/shop.db', 'sqlite:data/shop.db'],
  ])('%s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('redacts the URLs and pairs inside free text', () => {
    expect(redactCredentials('Could not connect to postgres://u:hunter2@db/x?sslpassword=p: refused')).toBe(
      'Could not connect to postgres://u:***@db/x?sslpassword=***: refused',
    );
    expect(redactCredentials('connect with password=abc user=x')).toBe('connect with password=*** user=x');
  });
});
