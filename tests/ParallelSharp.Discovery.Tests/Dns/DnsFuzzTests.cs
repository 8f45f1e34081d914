using System.Net;
using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Tests.Dns;

public sealed class DnsFuzzTests
{
    private const int Iterations = 30_000;

    [Fact]
    public void Decode_RandomMutations_EitherDecodeAndRoundTripOrThrowFormatException()
    {
        var random = new Random(20251121);
        var seeds = Seeds();
        var decodedCount = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = Mutate(seeds[random.Next(seeds.Length)], random);
            DnsMessage message;
            try
            {
                message = DnsMessage.Decode(bytes);
            }
            catch (DnsMessageFormatException)
            {
                continue;
            }
            catch (Exception ex)
            {
                Assert.Fail($"Iteration {i}: {ex.GetType().Name} instead of DnsMessageFormatException for {Convert.ToHexString(bytes)}: {ex}");
                return;
            }

            // What decodes must encode again and decode to the same records.
            decodedCount++;
            var again = DnsMessage.Decode(message.Encode());
            Assert.Equal(message.Questions.Count, again.Questions.Count);
            DnsMessageTests.AssertSameRecords([.. message.AllRecords], [.. again.AllRecords]);
        }

        Assert.True(decodedCount > 100, $"only {decodedCount} of {Iterations} mutants decoded; the mutator is too destructive to test the happy path");
    }

    private static byte[][] Seeds()
    {
        var type = DnsName.Parse("_parallelsharp._tcp.local");
        var instance = type.Prepend("node-1");
        var host = DnsName.Parse("psh-a-1234.local");
        return
        [
            DnsMessage.Response(
                new PtrRecord(type, instance, 4500),
                new SrvRecord(instance, 0, 0, 7070, host, 120, cacheFlush: true),
                new TxtRecord(instance, [[.. "txtvers=1"u8], [.. "gpu"u8]], 4500, cacheFlush: true),
                new AddressRecord(host, IPAddress.Parse("10.250.0.1"), 120, cacheFlush: true),
                new AddressRecord(host, IPAddress.Parse("fd70:250::1"), 120, cacheFlush: true),
                new NsecRecord(host, host, [1, 28], 120, cacheFlush: true)).Encode(),
            new DnsMessage
            {
                Questions = [new DnsQuestion(instance, DnsRecordType.Any, true), new DnsQuestion(host, DnsRecordType.Any, true)],
                Authorities = [new SrvRecord(instance, 0, 0, 7070, host, 120), new AddressRecord(host, IPAddress.Loopback, 120)],
            }.Encode(),
            Convert.FromHexString(
                "0000840000000004000000000e5f706172616c6c656c7368617270045f746370056c6f63616c00000c000100001194000a076e6f64652d7a63c00c" +
                "c0310021800100000078001a000000001b9e116e6f64652d7a632d3132372d302d302d31c020c0310010800100001194001e06637075733d3409" +
                "7665723d302e312e30086f733d6c696e757803677075c04d000180010000007800047f000001"),
        ];
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            switch (random.Next(6))
            {
                case 0: // flip one byte
                    if (bytes.Count > 0)
                        bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 1: // flip one bit
                    if (bytes.Count > 0)
                        bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 2: // truncate
                    var keep = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                case 3: // insert random bytes
                    bytes.InsertRange(random.Next(bytes.Count + 1), Enumerable.Range(0, random.Next(1, 5)).Select(_ => (byte)random.Next(256)));
                    break;
                case 4: // plant a compression pointer
                    if (bytes.Count > 1)
                    {
                        var at = random.Next(bytes.Count - 1);
                        var target = random.Next(bytes.Count + 8);
                        bytes[at] = (byte)(0xC0 | (target >> 8));
                        bytes[at + 1] = (byte)target;
                    }

                    break;
                default: // set a section count to something large
                    if (bytes.Count >= 12)
                    {
                        var field = 4 + 2 * random.Next(4);
                        bytes[field] = (byte)random.Next(256);
                        bytes[field + 1] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
