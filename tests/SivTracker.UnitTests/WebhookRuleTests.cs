using System.Net;
using SivTracker.Web.Domain;

namespace SivTracker.UnitTests;

public class WebhookRuleTests
{
    [Fact]
    public void TheSignature_MatchesTheStandardWebhooksTestVector()
    {
        // The specification's published example: any of its libraries verifies what SivTracker signs.
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            Webhooks.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}"""));
    }

    [Fact]
    public void Retries_DoubleFromTheFirstDelay_UpToTwoHours_AndStopADayAfterTheEvent()
    {
        var created = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var first = TimeSpan.FromSeconds(30);
        Assert.Equal(created.AddSeconds(30), Webhooks.NextAttempt(1, created, created, first, TimeSpan.FromHours(24)));
        Assert.Equal(created.AddMinutes(10).AddSeconds(60), Webhooks.NextAttempt(2, created, created.AddMinutes(10), first, TimeSpan.FromHours(24)));
        Assert.Equal(created.AddHours(5).AddHours(2), Webhooks.NextAttempt(20, created, created.AddHours(5), first, TimeSpan.FromHours(24)));
        // The last retry lands on the deadline, not after it; at the deadline there is none.
        Assert.Equal(created.AddHours(24), Webhooks.NextAttempt(20, created, created.AddHours(23), first, TimeSpan.FromHours(24)));
        Assert.Null(Webhooks.NextAttempt(21, created, created.AddHours(24), first, TimeSpan.FromHours(24)));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("192.168.1.10", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("2606:4700::1111", false)]
    public void PrivateAddresses_AreNamedAsSuch(string address, bool isPrivate) => Assert.Equal(isPrivate, Webhooks.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public void ASubscription_NeedsAnHttpsAddressAndKnownEvents()
    {
        Assert.Null(Webhooks.Problem("https://crm.example.org/hook", [Webhooks.CaseOpened], null, allowHttp: false));
        Assert.Equal("Url", Webhooks.Problem("http://crm.example.org/hook", [Webhooks.CaseOpened], null, allowHttp: false)?.Field);
        Assert.Null(Webhooks.Problem("http://127.0.0.1:5000/hook", [Webhooks.CaseOpened], null, allowHttp: true));
        Assert.Equal("Url", Webhooks.Problem("https://user:secret@crm.example.org/", [Webhooks.CaseOpened], null, allowHttp: false)?.Field);
        Assert.Equal("Events", Webhooks.Problem("https://crm.example.org/hook", [], null, allowHttp: false)?.Field);
        Assert.Contains("case.deleted", Webhooks.Problem("https://crm.example.org/hook", ["case.deleted"], null, allowHttp: false)?.Message);
    }
}
