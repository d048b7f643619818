// The example site of "herald demo": a Docusaurus blog.
module.exports = {
  title: 'Example Project',
  url: 'https://example.org',
  baseUrl: '/',
  presets: [['classic', { blog: { showReadingTime: true }, docs: false }]],
};
