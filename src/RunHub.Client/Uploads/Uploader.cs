using System.Net.Http.Headers;

namespace RunHub.Client;

/// <summary>Uploads one file as multipart field <c>file</c> and reads <c>{code, message, data: {download_url, ...}}</c>.</summary>
internal static class Uploader
{
    public static async Task<UploadedFile> UploadAsync(ApiTransport transport, Uri url, Stream content, string fileName, CancellationToken cancellationToken)
    {
        var start = content.CanSeek ? content.Position : 0;
        var answer = await transport.SendAsync(new ApiCall
        {
            Operation = "upload " + fileName,
            CreateRequest = () =>
            {
                if (content.CanSeek) content.Position = start;
                var file = new StreamContent(new UnclosableStream(content));
                file.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.ContentTypeOf(fileName));
                var form = new MultipartFormDataContent { { file, "file", fileName } };
                return new HttpRequestMessage(HttpMethod.Post, url) { Content = form };
            },
            ExpectsTask = false,
            PayloadIsValid = data => !string.IsNullOrEmpty(JsonText.Read(data, "download_url")),
            // An upload creates nothing billable: a resent one whose first answer was lost only leaves an unused copy
            // under another random name, which expires with the account's files.
            LostAnswerIsSafeToResend = true,
            CanResend = content.CanSeek,
        }, cancellationToken).ConfigureAwait(false);
        var data = ((ServerAnswer.Payload)answer).Data;
        return new UploadedFile(
            JsonText.Read(data, "download_url")!,
            JsonText.Read(data, "fileName"),
            JsonText.Read(data, "type"),
            JsonText.Integer(data, "size"));
    }

    /// <summary>Keeps the caller's stream open when the request (and its content) is disposed after each attempt.</summary>
    private sealed class UnclosableStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { /* the caller owns the stream */ }
    }
}
